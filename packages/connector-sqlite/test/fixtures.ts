import { createHash } from 'node:crypto';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ConnectorFactory, ConnectorFixture } from '@bk/connector-test-suite';
import { createSqliteConnector } from '../src/index.js';

/** A directory under the OS temp dir whose name has a space and non-ASCII characters. */
export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'bk sqlite ü-'));
}

/** Table names in a stable order, internal tables left out. */
export function tableNames(db: DatabaseSync): string[] {
  return db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all()
    .map((row) => String(row.name));
}

function encode(value: unknown): unknown {
  if (value instanceof Uint8Array) return `blob:${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return `int:${value}`;
  return value;
}

/** `{ table: { rows, sha256 } }`: every row in rowid order, with blobs in hex, hashed. */
export function snapshotFile(path: string): Record<string, { rows: number; sha256: string }> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const result: Record<string, { rows: number; sha256: string }> = {};
    for (const table of tableNames(db)) {
      const hash = createHash('sha256');
      let rows = 0;
      const statement = db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}" ORDER BY rowid`);
      statement.setReturnArrays(true);
      for (const row of statement.iterate()) {
        hash.update(JSON.stringify((row as unknown as unknown[]).map(encode)));
        hash.update('\n');
        rows += 1;
      }
      result[table] = { rows, sha256: hash.digest('hex') };
    }
    return result;
  } finally {
    db.close();
  }
}

/** Text with characters from several scripts, emoji and quotes, varied by `index`. */
export function unicodeText(index: number): string {
  return `row ${index} — ünïcødé 数据 ✓ 🚀 'quoted' "double" ${'x'.repeat(index % 50)}`;
}

/** Seeds `users` (text, blob, NULLs) and `notes`; returns the row counts. */
export function seed(path: string, rows: number): Record<string, number> {
  const db = new DatabaseSync(path);
  try {
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, avatar BLOB, score REAL, note TEXT);
      CREATE INDEX users_name ON users(name);
      CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), body TEXT NOT NULL);
      CREATE VIEW user_names AS SELECT name FROM users;
    `);
    db.exec('BEGIN');
    const user = db.prepare('INSERT INTO users (id, name, avatar, score, note) VALUES (?, ?, ?, ?, ?)');
    for (let index = 1; index <= rows; index += 1) {
      const avatar = index % 3 === 0 ? null : Buffer.from([index % 256, 0, 255, (index * 7) % 256, 10, 13]);
      user.run(
        index,
        unicodeText(index),
        avatar,
        index % 5 === 0 ? null : index / 7,
        index % 2 ? null : 'n\n\t',
      );
    }
    const note = db.prepare('INSERT INTO notes (user_id, body) VALUES (?, ?)');
    const notes = Math.max(3, Math.floor(rows / 10));
    for (let index = 1; index <= notes; index += 1) note.run((index % rows) + 1, `note ${index} ✎`);
    db.exec('COMMIT');
    return { notes, users: rows };
  } finally {
    db.close();
  }
}

/** The factory the conformance suite runs against: a fresh file per test in a temp dir. */
export const sqliteFactory: ConnectorFactory = {
  async create(options) {
    const dir = await makeTempDir();
    const path = join(dir, 'app data 数据.db');
    const expectedRowCounts = seed(path, options.large ? 50_000 : 20);
    const fixture: ConnectorFixture = {
      connector: createSqliteConnector({ path }),
      expectedRowCounts,
      snapshot: async () => snapshotFile(path),
      async otherSpelling() {
        await symlink(path, join(dir, 'link.db')).catch(() => {});
        return createSqliteConnector({ path: join(dir, 'link.db') });
      },
      async mutate() {
        const db = new DatabaseSync(path);
        db.exec(`
          UPDATE users SET name = 'changed' WHERE id = 1;
          DELETE FROM notes WHERE id = 2;
          INSERT INTO users (name) VALUES ('new user');
        `);
        db.close();
      },
      async clear() {
        const db = new DatabaseSync(path);
        db.exec('DROP VIEW user_names');
        for (const table of tableNames(db)) db.exec(`DROP TABLE "${table}"`);
        db.close();
      },
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
    return fixture;
  },
  async missingDatabase() {
    const dir = await makeTempDir();
    return createSqliteConnector({ path: join(dir, 'missing.db') });
  },
};
