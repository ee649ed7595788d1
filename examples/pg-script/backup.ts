// Back up a PostgreSQL database with the libraries only (no CLI): @bk/core streams pg_dump through
// sha256 into rclone, commits the backup with its manifest, lists it, and restores it into a scratch
// database after checking every byte. Run: PG_URL=... SCRATCH_URL=... REMOTE=./backups node backup.ts
import { createPgConnector } from '@bk/connector-pg';
import { backupDatabase, createStorage, listBackups, restoreDatabase } from '@bk/core';
import { Rclone } from '@bk/rclone';

const source = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const scratch = process.env.SCRATCH_URL ?? 'postgres://postgres@127.0.0.1:5432/bk_example_scratch';
const remote = process.env.REMOTE ?? './backups';

// @bk/rclone works on its own too.
const { version } = await new Rclone().version();
console.log(`rclone ${version}`);

// A local directory is a real rclone remote; any `name:path` remote works the same.
const storage = createStorage(remote);
const connector = createPgConnector(source);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

const { backup } = await backupDatabase({
  storage,
  connector,
  database: 'main',
  keep: { last: 5 },
  signal: controller.signal,
  onEvent: (event) => {
    if (event.type === 'completed') console.log(`${event.operation} done: ${event.bytes} bytes`);
  },
});
console.log(`backed up ${backup.path} (${backup.bytes} bytes, sha256 ${backup.sha256.slice(0, 12)}…)`);

for (const listed of await listBackups({ storage, database: 'main' })) {
  console.log(`listed ${listed.path} ${listed.startedAt}`);
}

// Restore the latest backup into the scratch database (never the source).
const target = createPgConnector(scratch);
// A restore needs its target database: create the scratch one when it does not exist yet.
if (await target.createDatabase()) console.log(`created ${target.target}`);
const restored = await restoreDatabase({
  storage,
  connector: target,
  database: 'main',
  signal: controller.signal,
});
console.log(`restored ${restored.backup.path} into ${target.target} in ${restored.durationMs} ms`);
await connector.close?.();
await target.close?.();
