import { chown, open } from 'node:fs/promises';
import { join } from 'node:path';

/** Options of {@link writeRecoveryConfig}. */
export interface RecoveryConfigOptions {
  /** The restored data directory. */
  dir: string;
  /** The shell command PostgreSQL runs to fetch a WAL file (`%f` and `%p` substituted by the server). */
  restoreCommand: string;
  /** Stop replaying at this moment (any form PostgreSQL's timestamptz accepts). @default the end of the archive */
  targetTime?: string;
  /** Owner of the files written (the `postgres` user when run as root). @default the user running bk */
  owner?: { uid: number; gid: number };
  /** Comment line's date. @default now */
  now?: Date;
}

/** Quotes a value for `postgresql.conf`: single quotes doubled, backslashes escaped. */
export function quoteConfigValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('a postgresql.conf value cannot span lines');
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** Quotes one word for `/bin/sh` (the shell `restore_command` runs in). */
export function quoteShellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The lines {@link writeRecoveryConfig} appends to `postgresql.auto.conf`. */
export function recoveryConfigLines(options: Omit<RecoveryConfigOptions, 'dir' | 'owner'>): string[] {
  const lines = [
    `# bk dbrestore --physical, ${(options.now ?? new Date()).toISOString()}: recover from the WAL archive`,
    `restore_command = ${quoteConfigValue(options.restoreCommand)}`,
    `recovery_target_timeline = 'latest'`,
  ];
  if (options.targetTime !== undefined) {
    if (options.targetTime.trim() === '')
      throw new Error('an empty recovery_target_time would replay everything');
    lines.push(`recovery_target_time = ${quoteConfigValue(options.targetTime)}`);
    lines.push(`recovery_target_action = 'promote'`);
  }
  return lines;
}

async function appendOwned(path: string, text: string, owner: RecoveryConfigOptions['owner']): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (owner) await chown(path, owner.uid, owner.gid);
}

/**
 * Configures archive recovery in a restored data directory: appends `restore_command`,
 * `recovery_target_timeline`, and with a target `recovery_target_time` and
 * `recovery_target_action = 'promote'` to `postgresql.auto.conf` (read after `postgresql.conf`, so
 * these win), then creates `recovery.signal`. The cluster is then ready to start.
 */
export async function writeRecoveryConfig(options: RecoveryConfigOptions): Promise<void> {
  const lines = recoveryConfigLines(options);
  await appendOwned(join(options.dir, 'postgresql.auto.conf'), `\n${lines.join('\n')}\n`, options.owner);
  await appendOwned(join(options.dir, 'recovery.signal'), '', options.owner);
}
