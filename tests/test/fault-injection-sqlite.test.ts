import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describeFaultMatrix } from './fault-harness.js';
import { tempDir } from './helpers.js';

describeFaultMatrix('SQLite', async () => {
  const dir = await tempDir('bk-fault-sqlite-');
  const file = join(dir, 'app.db');
  const db = new DatabaseSync(file);
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
    INSERT INTO items (body) SELECT hex(randomblob(20)) FROM n;`);
  db.close();
  return { url: `sqlite:${file}`, dumpTool: /sqlite3/ };
});
