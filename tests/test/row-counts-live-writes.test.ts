import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

/**
 * Issue 13, class 9: the row counts a manifest records must be exactly what the backup holds, even
 * while the database is being written to. Rows are inserted during the whole backup; the drill
 * (`dbrestore --to --check`) must then find the restored copy equal to the manifest. Every table
 * also holds values built to fool a counter that reads the dump text: quotes, newlines, `;`,
 * `),(`, backslashes and whole `INSERT INTO` statements inside strings.
 */

const pgNames = [uniqueName('bk_live_pg'), uniqueName('bk_live_pg_scratch')];
const myNames = [uniqueName('bk_live_my'), uniqueName('bk_live_my_scratch')];
afterAll(async () => {
  for (const name of pgNames) await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  for (const name of myNames) await mariadb(`DROP DATABASE IF EXISTS ${name}`);
});

/** Strings a dump-text counter could miscount. */
const TRICKY = [
  "it's",
  'two\nlines;\nINSERT INTO "tricky" VALUES(1);',
  "'),('x'),('",
  'back\\slash\\',
  "\\'); INSERT INTO `tricky` VALUES ('",
  '\r\n;\n--',
  '/* not a comment */',
  '"quoted" `ticks` [brackets]',
];

/** Backs up while `write` keeps inserting, then drills with --check; returns the manifest's counts. */
async function backupUnderWrites(
  url: string,
  scratch: string,
  tables: number,
  write: () => { stop(): Promise<number> },
): Promise<Record<string, number>> {
  const dir = await tempDir('bk-live-');
  await writeConfig(dir, { remote: './remote', databases: { default: url } });
  const writer = write();
  let written = 0;
  try {
    await sleep(300);
    const backup = await bk(dir, ['dbbackup', '--json']);
    expect(backup.exitCode, backup.stderr).toBe(0);
  } finally {
    written = await writer.stop();
  }
  expect(written, 'the writer must keep writing during the backup').toBeGreaterThan(20);
  const listed = JSON.parse((await bk(dir, ['listbackups', '--json'])).stdout) as { path: string }[];
  const manifest = JSON.parse(await readFile(join(dir, 'remote', `${listed[0]!.path}.json`), 'utf8')) as {
    rowCounts?: Record<string, number>;
  };
  const drill = await bk(dir, ['dbrestore', '--to', scratch, '--check', '--noinput']);
  expect(`${drill.stdout}${drill.stderr}`).toContain(`row counts match in ${tables} tables`);
  expect(drill.exitCode, drill.stderr).toBe(0);
  return manifest.rowCounts ?? {};
}

describe('row counts are those of the dump, under concurrent writes (issue 13 class 9)', () => {
  it('SQLite (WAL mode, one insert per transaction during the backup)', async () => {
    const dir = await tempDir('bk-live-sqlite-');
    const file = join(dir, 'live.db');
    const db = new DatabaseSync(file, { timeout: 30_000 });
    db.exec(`PRAGMA journal_mode=WAL;
      CREATE TABLE live (id INTEGER PRIMARY KEY, v TEXT);
      CREATE TABLE "tricky ""names""" (v TEXT, b BLOB);
      CREATE TABLE empty (v);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
        INSERT INTO live (v) SELECT hex(randomblob(40)) FROM n;`);
    const tricky = db.prepare(`INSERT INTO "tricky ""names""" VALUES (?, ?)`);
    for (const value of TRICKY) tricky.run(value, Buffer.from(value));
    const counts = await backupUnderWrites(`sqlite:${file}`, `sqlite:${join(dir, 'scratch.db')}`, 3, () => {
      const insert = db.prepare('INSERT INTO live (v) VALUES (?)');
      let rows = 0;
      let running = true;
      const loop = (async () => {
        while (running) {
          insert.run(`w${rows}`);
          rows += 1;
          await sleep(1);
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
          db.close();
          return rows;
        },
      };
    });
    expect(counts['tricky "names"']).toBe(TRICKY.length);
    expect(counts.empty).toBe(0);
  });

  it('MariaDB (InnoDB, autocommitted inserts during the backup)', async () => {
    const [live, scratch] = myNames as [string, string];
    await mariadb(`CREATE DATABASE ${live}`);
    const literal = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
    await mariadb(
      `CREATE TABLE live (id int AUTO_INCREMENT PRIMARY KEY, v varchar(100)) ENGINE=InnoDB;
       CREATE TABLE \`tricky \`\`names\`\`\` (v text, b blob) ENGINE=InnoDB;
       CREATE TABLE empty (v int) ENGINE=InnoDB;
       CREATE TABLE stop_writer (x int) ENGINE=InnoDB;
       INSERT INTO live (v) SELECT HEX(RANDOM_BYTES(40)) FROM seq_1_to_30000;
       INSERT INTO \`tricky \`\`names\`\`\` VALUES ${TRICKY.map((value) => `(${literal(value)}, ${literal(value)})`).join(', ')};`,
      live,
    );
    const counts = await backupUnderWrites(
      `mysql://root@127.0.0.1:3306/${live}`,
      `mysql://root@127.0.0.1:3306/${scratch}`,
      4,
      () => {
        const writer = execa('mariadb', ['-h', '127.0.0.1', '-P', '3306', '-u', 'root', live], {
          input: `DELIMITER //
BEGIN NOT ATOMIC
              DECLARE deadline DATETIME DEFAULT NOW() + INTERVAL 60 SECOND;
              WHILE NOT EXISTS (SELECT 1 FROM stop_writer) AND NOW() < deadline DO
                INSERT INTO live (v) VALUES ('w');
              END WHILE;
            END //
`,
        });
        return {
          stop: async () => {
            await mariadb('INSERT INTO stop_writer VALUES (1)', live);
            await writer;
            const before = 30000;
            return Number(await mariadb('SELECT COUNT(*) FROM live', live)) - before;
          },
        };
      },
    );
    expect(counts['tricky `names`']).toBe(TRICKY.length);
    expect(counts.empty).toBe(0);
    // The stop table is the fourth table, written once the backup is over.
    expect(counts.stop_writer).toBe(0);
  });

  it('PostgreSQL (a committed insert per loop during the backup)', async () => {
    const [live, scratch] = pgNames as [string, string];
    await psql('postgres', `CREATE DATABASE ${live}`);
    const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
    await psql(
      live,
      `CREATE TABLE live (id serial PRIMARY KEY, v text);
       CREATE TABLE "tricky ""names""" (v text, b bytea);
       CREATE TABLE empty (v int);
       CREATE TABLE stop_writer (x int);
       INSERT INTO live (v) SELECT md5(g::text) FROM generate_series(1, 30000) g;
       INSERT INTO "tricky ""names""" VALUES ${TRICKY.map((value) => `(${literal(value)}, convert_to(${literal(value)}, 'UTF8'))`).join(', ')};`,
    );
    const counts = await backupUnderWrites(
      `postgres://postgres@127.0.0.1:5432/${live}`,
      `postgres://postgres@127.0.0.1:5432/${scratch}`,
      4,
      () => {
        const writer = execa(
          'psql',
          ['-h', '127.0.0.1', '-U', 'postgres', '-d', live, '-XAtq', '-v', 'ON_ERROR_STOP=1'],
          {
            input: `DO $$
              DECLARE deadline timestamptz := clock_timestamp() + interval '60 seconds';
              BEGIN
                WHILE NOT EXISTS (SELECT 1 FROM stop_writer) AND clock_timestamp() < deadline LOOP
                  INSERT INTO live (v) VALUES ('w');
                  COMMIT;
                END LOOP;
              END $$;`,
          },
        );
        return {
          stop: async () => {
            await psql(live, 'INSERT INTO stop_writer VALUES (1)');
            await writer;
            return Number(await psql(live, 'SELECT count(*) FROM live')) - 30000;
          },
        };
      },
    );
    expect(counts['public.tricky "names"']).toBe(TRICKY.length);
    expect(counts['public.empty']).toBe(0);
    expect(counts['public.stop_writer']).toBe(0);
  });
});
