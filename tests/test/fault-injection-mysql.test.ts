import { afterAll, beforeAll } from 'vitest';
import { describeFaultMatrix } from './fault-harness.js';
import { mariadb, uniqueName } from './helpers.js';

const database = uniqueName('bk_fault_my');

beforeAll(async () => {
  await mariadb(`CREATE DATABASE ${database}`);
  await mariadb(
    `CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, body text);
     INSERT INTO items (body) SELECT CONCAT(MD5(RAND()), MD5(RAND())) FROM seq_1_to_3000;`,
    database,
  );
});
afterAll(async () => {
  await mariadb(`DROP DATABASE IF EXISTS ${database}`);
});

describeFaultMatrix('MySQL/MariaDB', () => ({
  url: `mysql://root@127.0.0.1:3306/${database}`,
  dumpTool: /mariadb-dump|mysqldump/,
}));
