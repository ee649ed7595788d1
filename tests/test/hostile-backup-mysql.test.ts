import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, tempDir, uniqueName, writeConfig } from './helpers.js';
import { createCanaries, expectNothingLeaked, forgeLatestBackup } from './hostile-forge.js';

const database = uniqueName('bk_hostile_my');
afterAll(async () => {
  await mariadb(`DROP DATABASE IF EXISTS ${database}`);
});

/** Everything the database holds, as the dump tool prints it (blobs as raw bytes, not hex). */
async function contentOf(name: string): Promise<string> {
  const { stdout } = await execa('mariadb-dump', [
    '-h',
    '127.0.0.1',
    '-u',
    'root',
    '--skip-extended-insert',
    name,
  ]);
  return stdout;
}

describe('hostile MySQL backups: a remote writer cannot reach the restoring machine', () => {
  it('a forged backup with LOAD DATA LOCAL INFILE or a client command fails clearly and leaks nothing', async () => {
    await mariadb(`CREATE DATABASE ${database}`);
    await mariadb("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept');", database);
    const dir = await tempDir('bk-hostile-my-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: `mysql://root@127.0.0.1:3306/${database}` },
    });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const canaries = await createCanaries((secret) => `INSERT INTO loot VALUES ('${secret}');\n`);
    const attacks = {
      environment: "LOAD DATA LOCAL INFILE '/proc/self/environ' INTO TABLE loot;",
      'a 0600 file': `LOAD DATA LOCAL INFILE '${canaries.secretFile}' INTO TABLE loot;`,
      'a shell command': `\\! touch ${canaries.ranFile}`,
      'source of a file': `source ${canaries.secretFile}`,
    };
    for (const [name, attack] of Object.entries(attacks)) {
      await forgeLatestBackup(dir, join(dir, 'remote'), `CREATE TABLE loot (x LONGBLOB);\n${attack}\n`);
      const result = await bk(dir, ['dbrestore', '--noinput'], { env: canaries.env });
      await expectNothingLeaked(result, canaries, await contentOf(database), /(mariadb|mysql) exited 1/);
      if (name === 'environment') expect(result.stderr).toMatch(/local infile/i);
      await mariadb('DROP TABLE IF EXISTS loot', database);
    }
  });
});
