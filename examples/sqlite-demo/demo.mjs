// `npm run demo`: creates a SQLite database with sample rows, backs it up with the real `bk` CLI to a
// local-directory remote, lists the backup, damages the database, restores it, and shows the rows are back.
// Safe to run again: the database is recreated, older backups stay (keep: last 5).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
const databasePath = join(here, '.demo', 'app.db');

function step(title) {
  console.log(`\n\u001b[1m== ${title}\u001b[0m`);
}

function bk(...args) {
  console.log(`$ bk ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: here, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`bk ${args[0]} exited ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

function summary() {
  const database = new DatabaseSync(databasePath);
  const row = database.prepare('SELECT count(*) AS customers, sum(balance) AS total FROM customers').get();
  const sample = database.prepare('SELECT name FROM customers ORDER BY id LIMIT 3').all();
  database.close();
  return `${row.customers} customers, total balance ${row.total}, first: ${sample.map((r) => r.name).join(', ')}`;
}

step('Create a SQLite database with sample rows');
mkdirSync(dirname(databasePath), { recursive: true });
rmSync(databasePath, { force: true });
const database = new DatabaseSync(databasePath);
database.exec(
  'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, balance INTEGER, avatar BLOB)',
);
const insert = database.prepare('INSERT INTO customers (name, balance, avatar) VALUES (?, ?, ?)');
const names = ['Ada Lovelace', 'Grace Hopper', 'Zoë Ødegaard', '山田太郎', 'Edsger Dijkstra'];
for (let index = 0; index < 1000; index++) {
  insert.run(
    `${names[index % names.length]} #${index}`,
    index * 7,
    index % 10 === 0 ? null : Buffer.from([index % 256, 0, 255]),
  );
}
database.close();
const before = summary();
console.log(before);

step('Back it up');
bk('dbbackup');

step('List complete backups');
bk('listbackups');

step('Oops: delete most rows');
const damage = new DatabaseSync(databasePath);
damage.exec('DELETE FROM customers WHERE id > 10');
damage.close();
console.log(summary());

step('Restore the latest backup');
bk('dbrestore', '--noinput');

step('The rows are back');
const after = summary();
console.log(after);
if (after !== before) {
  console.error('the restored database differs from the original');
  process.exit(1);
}
console.log('\nDemo complete: backups are in examples/sqlite-demo/.demo/backups');
