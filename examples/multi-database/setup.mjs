#!/usr/bin/env node
// Creates what bk.config.ts backs up, so `bk dbbackup --all` works from a fresh clone: the SQLite
// file, a PostgreSQL database and a MariaDB database, each with one small table. It only creates
// databases of its own (bk_example_* by default, or the names in PG_DATABASE / MARIADB_DATABASE) and
// leaves an existing one alone. `node setup.mjs --drop` drops what it created.
// Servers: PostgreSQL on 127.0.0.1:5432 as `postgres`, MariaDB on 127.0.0.1:3306 as `root`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cacheFile = resolve(here, process.env.CACHE_DB ?? './.data/cache.db');
const pgDatabase = process.env.PG_DATABASE ?? 'bk_example_main';
const mariaDatabase = process.env.MARIADB_DATABASE ?? 'bk_example_shop';
for (const name of [pgDatabase, mariaDatabase]) {
  if (!/^bk_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to touch database ${name}: not a bk_* name`);
}

const psql = (sql, database = 'postgres') =>
  execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-v', 'ON_ERROR_STOP=1', '-Atc', sql],
    {
      encoding: 'utf8',
    },
  ).trim();
const mariadb = (sql, database) =>
  execFileSync(
    'mariadb',
    ['-h', '127.0.0.1', '-P', '3306', '-u', 'root', '-N', '-e', sql, ...(database ? [database] : [])],
    {
      encoding: 'utf8',
    },
  ).trim();

if (process.argv.includes('--drop')) {
  psql(`DROP DATABASE IF EXISTS ${pgDatabase}`);
  mariadb(`DROP DATABASE IF EXISTS ${mariaDatabase}`);
  rmSync(cacheFile, { force: true });
  console.log(`dropped ${pgDatabase} (PostgreSQL), ${mariaDatabase} (MariaDB) and ${cacheFile}`);
  process.exit(0);
}

mkdirSync(dirname(cacheFile), { recursive: true });
const cache = new DatabaseSync(cacheFile);
cache.exec(
  "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT); INSERT OR IGNORE INTO entries VALUES ('a', 'sqlite ✓')",
);
cache.close();

if (psql(`SELECT 1 FROM pg_database WHERE datname = '${pgDatabase}'`) === '') {
  psql(`CREATE DATABASE ${pgDatabase}`);
  psql(
    "CREATE TABLE users (id int PRIMARY KEY, name text); INSERT INTO users VALUES (1, 'pg ✓')",
    pgDatabase,
  );
}
if (mariadb(`SHOW DATABASES LIKE '${mariaDatabase}'`) === '') {
  mariadb(`CREATE DATABASE ${mariaDatabase}`);
  mariadb(
    "CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20)); INSERT INTO orders VALUES (1, 'maria ✓')",
    mariaDatabase,
  );
}
console.log(`ready: ${cacheFile}, ${pgDatabase} (PostgreSQL), ${mariaDatabase} (MariaDB)`);
