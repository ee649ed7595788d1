import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ProcessError } from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlConnector } from '../src/index.js';
import { HOST, ident, PORT, sql, uniqueName } from './helpers/mariadb.js';

const database = uniqueName('bk_my_hostile_');
const other = uniqueName('bk_my_hostile_other_');
let dir = '';
const secret = `SECRET-${randomBytes(8).toString('hex')}`;
const envValue = `ENVCANARY-${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bk-my-hostile-'));
  await chmod(dir, 0o755);
  await writeFile(join(dir, 'secret.sql'), `INSERT INTO loot VALUES ('${secret}');\n`, { mode: 0o600 });
  await sql(`CREATE DATABASE ${ident(database)}; CREATE DATABASE ${ident(other)};`);
  process.env.BK_HOSTILE_CANARY = envValue;
});
afterAll(async () => {
  delete process.env.BK_HOSTILE_CANARY;
  await sql(`DROP DATABASE IF EXISTS ${ident(database)}; DROP DATABASE IF EXISTS ${ident(other)};`);
  await rm(dir, { recursive: true, force: true });
});

/** Every client-side way found for a mysqldump-shaped file to reach the restoring machine. */
function attacks(): Record<string, string> {
  const secretFile = join(dir, 'secret.sql');
  const ran = join(dir, 'ran');
  const written = join(dir, 'written');
  return {
    'LOAD DATA LOCAL INFILE of the environment':
      "LOAD DATA LOCAL INFILE '/proc/self/environ' INTO TABLE loot;",
    'LOAD DATA LOCAL INFILE of a 0600 file': `LOAD DATA LOCAL INFILE '${secretFile}' INTO TABLE loot;`,
    'LOAD XML LOCAL INFILE': `LOAD XML LOCAL INFILE '${secretFile}' INTO TABLE loot;`,
    '\\! runs a shell command': `\\! touch ${ran}`,
    'system runs a shell command': `system touch ${ran}`,
    '\\. reads a file': `\\. ${secretFile}`,
    'source reads a file': `source ${secretFile}`,
    '\\T writes a file': `\\T ${written}\nSELECT 1;`,
    'tee writes a file': `tee ${written}\nSELECT 1;`,
    '\\P pipes into a command': `\\P touch ${ran}\nSELECT 1;`,
    'pager pipes into a command': `pager touch ${ran}\nSELECT 1;`,
    '\\r reconnects to another database': `\\r ${other}\nCREATE TABLE moved (x INT);`,
    'connect to another database': `connect ${other}\nCREATE TABLE moved (x INT);`,
  };
}

/** What a hostile restore left: every byte of `loot` (text), and whether it reached the other database. */
async function leftovers(): Promise<string> {
  const loot = await sql(`SELECT COALESCE(GROUP_CONCAT(x SEPARATOR '|'), '') FROM loot`, { database }).catch(
    () => [['']],
  );
  const moved = await sql(`SHOW TABLES`, { database: other });
  return `${loot[0]?.[0] ?? ''}${moved.length > 0 ? ' moved' : ''}`;
}

describe('a hostile MySQL dump cannot reach the restoring machine (no LOCAL INFILE, no client commands)', () => {
  it('each attack fails with the client error; nothing is read, written or run on this machine', async () => {
    const connector = createMysqlConnector({ host: HOST, port: PORT, user: 'root', database });
    const failures: string[] = [];
    for (const [name, attack] of Object.entries(attacks())) {
      const dump = `DROP TABLE IF EXISTS loot;\nCREATE TABLE loot (x LONGBLOB);\n${attack}\n`;
      const error = await connector.restore(Readable.from([dump])).catch((caught: unknown) => caught);
      const left = await leftovers();
      const problems = [
        !(error instanceof ProcessError) && `resolved or threw ${error}`,
        left.includes(secret) && 'the secret file reached the database',
        left.includes(envValue) && "bk's environment reached the database",
        left.includes('moved') && 'it wrote into another database',
        existsSync(join(dir, 'ran')) && 'a command ran',
        existsSync(join(dir, 'written')) && 'a file was written',
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${name}: ${problems.join(', ')}`);
      await rm(join(dir, 'ran'), { force: true });
      await rm(join(dir, 'written'), { force: true });
    }
    expect(failures).toEqual([]);
    expect(await readFile(join(dir, 'secret.sql'), 'utf8')).toContain(secret);
  });

  it('the refusal names the client and the disabled capability', async () => {
    const connector = createMysqlConnector({ host: HOST, port: PORT, user: 'root', database });
    const dump = `CREATE TABLE IF NOT EXISTS loot (x LONGBLOB);\nLOAD DATA LOCAL INFILE '/proc/self/environ' INTO TABLE loot;\n`;
    const error = (await connector
      .restore(Readable.from([dump]))
      .catch((caught: unknown) => caught)) as ProcessError;
    expect(error).toBeInstanceOf(ProcessError);
    expect(error.message).toMatch(/^(mariadb|mysql) exited 1: .*local infile/i);
  });
});
