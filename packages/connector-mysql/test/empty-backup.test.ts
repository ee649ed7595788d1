import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { EmptyBackupError } from '@bk/core';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyDumpReason } from '../src/dump-head.js';
import { createMysqlConnector } from '../src/index.js';
import { dropDatabaseAndUser, HOST, PORT, sql, uniqueName } from './helpers/mariadb.js';

const names: string[] = [];
afterAll(async () => {
  for (const name of names) await dropDatabaseAndUser(name);
});

describe('an empty backup is refused before the client starts', () => {
  it('emptyDumpReason: 0 bytes and a bare header are empty; statements or the completion line are not', () => {
    const header =
      '/*M!999999\\- enable the sandbox mode */\n-- MariaDB dump 10.19\n\n/*!40101 SET NAMES utf8mb4 */;\nSET @x = 1;\n';
    expect(emptyDumpReason(Buffer.alloc(0))).toBe('0 bytes');
    expect(emptyDumpReason(Buffer.from(header))).toMatch(/mysqldump header and no statement/);
    expect(
      emptyDumpReason(Buffer.from(`${header}-- Dump completed on 2026-12-08  1:00:00\n`)),
    ).toBeUndefined();
    expect(emptyDumpReason(Buffer.from(`${header}CREATE TABLE t (a int);\n`))).toBeUndefined();
    expect(emptyDumpReason(Buffer.from('DROP TABLE t'))).toBeUndefined();
  });

  it('a real dump of an empty database still restores; 0 bytes and its header alone are refused, data kept', async () => {
    const empty = uniqueName('bk_my_empty_');
    const full = uniqueName('bk_my_full_');
    names.push(empty, full);
    await sql(`CREATE DATABASE ${empty}; CREATE DATABASE ${full}`);
    await sql('CREATE TABLE items (a int); INSERT INTO items VALUES (1), (2);', { database: full });
    const emptyDump = await dumpToBuffer(createMysqlConnector(`mysql://root@${HOST}:${PORT}/${empty}`));
    const target = createMysqlConnector(`mysql://root@${HOST}:${PORT}/${full}`);
    // A complete dump of an empty database is a database: it restores (and leaves the table alone).
    await target.restore(Readable.from([emptyDump]));
    const headerOnly = emptyDump.toString('utf8').replace(/^-- Dump completed.*$/m, '');
    for (const bytes of [Buffer.alloc(0), Buffer.from(headerOnly)]) {
      const error = await target.restore(Readable.from([bytes])).catch((caught: unknown) => caught);
      expect(error, String(error)).toBeInstanceOf(EmptyBackupError);
      expect((error as EmptyBackupError).code).toBe('BK_EMPTY_BACKUP');
      expect((error as Error).message).toMatch(
        /^the backup is empty \(.*\): nothing was restored into mysql:\/\//,
      );
    }
    expect(await sql('SELECT GROUP_CONCAT(a ORDER BY a) FROM items', { database: full })).toEqual([['1,2']]);
  });
});
