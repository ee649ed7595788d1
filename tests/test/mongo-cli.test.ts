import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, MONGO_STANDIN_BIN, mongoStandinServer, tempDir, writeConfig } from './helpers.js';

/** Every collection of every database in the stand-in server, as parsed documents. */
async function contentOf(server: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const data = join(server, 'data');
  for (const db of (await readdir(data)).sort())
    for (const file of (await readdir(join(data, db))).filter((name) => name.endsWith('.json')).sort())
      out[`${db}.${file.slice(0, -5)}`] = JSON.parse(await readFile(join(data, db, file), 'utf8'));
  return out;
}

describe('bk dbbackup -d mongo / dbrestore through rclone (stand-in tools)', () => {
  it('restores what was backed up over changed data, with the password only in the config file', async () => {
    const dir = await tempDir('bk-mongo-cli-');
    const password = 'cl1:p@ss/w%rd';
    const documents = (collection: string) =>
      Array.from({ length: 300 }, (_, index) => ({
        _id: index + 1,
        name: `${collection} ${index} ✓`,
        tags: [index % 3, 'x'],
      }));
    const { dir: server, url } = await mongoStandinServer(password, {
      items: documents('items'),
      users: documents('users'),
    });
    await writeConfig(dir, { remote: './remote', databases: { mongo: url } });
    const env = { PATH: `${MONGO_STANDIN_BIN}:${process.env.PATH}`, BK_MONGO_STANDIN_DIR: server };
    const original = await contentOf(server);

    const backup = await bk(dir, ['dbbackup', '-d', 'mongo'], { env });
    expect(backup.exitCode, backup.stderr).toBe(0);
    const listed = await bk(dir, ['listbackups', '-d', 'mongo', '--json'], { env });
    const backups = JSON.parse(listed.stdout) as { name: string; bytes: number }[];
    expect(backups).toHaveLength(1);
    expect(backups[0]!.name).toMatch(/^mongo-.*\.archive$/);

    // Change the data: one collection rewritten, one dropped.
    await writeFile(join(server, 'data', 'app', 'items.json'), JSON.stringify([{ _id: 1, name: 'changed' }]));
    await rm(join(server, 'data', 'app', 'users.json'));
    const restore = await bk(dir, ['dbrestore', '-d', 'mongo', '--noinput'], { env });
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await contentOf(server)).toEqual(original);
    expect(`${backup.stdout}${backup.stderr}${restore.stdout}${restore.stderr}`).not.toContain('p@ss');
  });
});
