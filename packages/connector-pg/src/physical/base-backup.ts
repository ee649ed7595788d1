import { PassThrough, Transform, type TransformCallback } from 'node:stream';
import { ConfigError, type DumpHandle, ProcessError, spawnReader } from '@bk/core';
import { Parser, type ReadEntry } from 'tar';
import { type PgConnection, toConninfo } from '../connection.js';
import { createPgpassFile } from '../pgpass.js';
import { parseBackupLabel, parseManifestWalRange } from './backup-label.js';
import { segmentBeforeLsn, segmentOfLsn } from './wal-name.js';

/** Where a base backup starts and ends in the WAL, read from the `backup_label` and `backup_manifest` it carries. */
export interface BaseBackupPosition {
  /** WAL position the backup starts at (`0/2000028`): recovery replays from here. */
  startLsn: string;
  /** WAL position the backup ends at: recovery is consistent once it has replayed this far. */
  endLsn: string;
  /** Timeline of the backup, 8 hex digits (`00000001`). */
  timeline: string;
  /** First segment recovery needs. */
  startSegment: string;
  /** Last segment recovery needs before the restored cluster is consistent. */
  endSegment: string;
  /** The server's `START TIME` line of the backup label. */
  startTime: string | undefined;
}

/** A running `pg_basebackup`: the tar stream, its exit, and where the backup sits in the WAL. */
export interface BaseBackupHandle extends DumpHandle {
  /** Resolves after `done`, from the backup's own `backup_label` and `backup_manifest`. */
  position: Promise<BaseBackupPosition>;
}

/** Options of {@link startBaseBackup}. */
export interface StartBaseBackupOptions {
  connection: PgConnection;
  /** The `pg_basebackup` program. @default 'pg_basebackup' */
  binary?: string;
  /** The server's `wal_segment_size`. @default 16 MiB */
  segmentSize?: number;
  /** Label recorded in the backup (`LABEL:` of `backup_label`). @default 'bk base backup' */
  label?: string;
  /** Secrets to mask in messages. */
  secrets?: readonly string[];
  /** The connection, redacted, for messages. */
  target?: string;
  signal?: AbortSignal;
}

const SINGLE_TABLESPACE = /can only write single tablespace to stdout/i;

/** Feeds a copy of every chunk to a tar parser that keeps only `backup_label` and `backup_manifest`. */
function createTap(found: Map<string, Buffer[]>): { tap: Transform; parsed: Promise<void> } {
  const parser = new Parser({
    onReadEntry: (entry: ReadEntry) => {
      const name = entry.path.replace(/^\.\//, '');
      if (name !== 'backup_label' && name !== 'backup_manifest') {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      found.set(name, chunks);
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    },
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      parser.write(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      parser.end();
      callback();
    },
  });
  return { tap, parsed };
}

/**
 * Starts `pg_basebackup --format=tar --pgdata=- --wal-method=none --checkpoint=fast`: one tar
 * stream of the cluster on stdout, the WAL left to the archive (the server waits until the last
 * segment the backup needs is archived before `pg_basebackup` exits). Only a cluster without extra
 * tablespaces can be written to stdout; anything else fails with a clear hint. The password only
 * ever reaches a 0600 `PGPASSFILE`.
 */
export function startBaseBackup(options: StartBaseBackupOptions): BaseBackupHandle {
  const output = new PassThrough();
  const found = new Map<string, Buffer[]>();
  const { tap, parsed } = createTap(found);
  parsed.catch(() => {});
  const done = (async () => {
    const password = options.connection.password;
    const pgpass = password ? await createPgpassFile(password) : undefined;
    try {
      const handle = spawnReader({
        name: 'pg_basebackup',
        file: options.binary ?? 'pg_basebackup',
        args: [
          '--format=tar',
          '--pgdata=-',
          '--wal-method=none',
          '--checkpoint=fast',
          `--label=${options.label ?? 'bk base backup'}`,
          '--no-password',
          `--dbname=${toConninfo(options.connection.params)}`,
        ],
        env: { LC_ALL: 'C', PGPASSFILE: pgpass?.path, PGPASSWORD: undefined },
        secrets: options.secrets ?? [],
        installHint: 'apt-get install postgresql-client (or set binaries.pgBasebackup)',
        context: `base backup of ${options.target ?? 'the server'}`,
        signal: options.signal,
      });
      handle.stream.once('error', (error) => output.destroy(error));
      output.once('close', () => handle.stream.destroy());
      handle.stream.pipe(tap).pipe(output);
      try {
        await handle.done;
      } catch (error) {
        if (error instanceof ProcessError && SINGLE_TABLESPACE.test(error.stderrTail ?? '')) {
          throw error.withHint(
            'pg_basebackup can stream only a cluster without extra tablespaces; move them into the default tablespace or back up with pg_dump (bk dbbackup without --physical)',
          );
        }
        throw error;
      }
    } finally {
      await pgpass?.close();
    }
  })();
  done.catch((error: unknown) => {
    if (!output.writableEnded) output.destroy(error as Error);
  });
  const position = done.then(async () => {
    await parsed;
    return positionOf(found, options.segmentSize);
  });
  position.catch(() => {});
  return { stream: output, done, position };
}

function positionOf(found: Map<string, Buffer[]>, segmentSize: number | undefined): BaseBackupPosition {
  const label = found.get('backup_label');
  const manifest = found.get('backup_manifest');
  if (!label || !manifest) {
    throw new ConfigError('the base backup carries no backup_label or backup_manifest', {
      hint: 'bk needs pg_basebackup from PostgreSQL 13 or later, without --no-manifest',
    });
  }
  const start = parseBackupLabel(Buffer.concat(label).toString('utf8'));
  const range = parseManifestWalRange(Buffer.concat(manifest).toString('utf8'));
  return {
    startLsn: range.startLsn,
    endLsn: range.endLsn,
    timeline: range.timeline,
    startSegment: segmentOfLsn(range.startLsn, range.timeline, segmentSize),
    endSegment: segmentBeforeLsn(range.endLsn, range.timeline, segmentSize),
    startTime: start.startTime,
  };
}
