import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { bk, tempDir, writeConfig } from './helpers.js';
import { type Canaries, createCanaries, expectNothingLeaked, forgeLatestBackup } from './hostile-forge.js';

/** A `.dump`-shaped script with `attack` in the middle of the transaction. */
function hostileDump(attack: string): string {
  return `PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE loot(x);\n${attack}\nCOMMIT;\n`;
}

/**
 * Attacks a remote writer can put in a SQLite dump (the full list runs against the connector in
 * packages/connector-sqlite/test/hostile-dump.test.ts; these go through bk, a forged manifest and rclone).
 */
function attacks(c: Canaries): Record<string, string> {
  return {
    // sqlite3 3.40's -safe mode lets .trace truncate and write any file.
    '.trace overwrites a file': `.trace "${c.victimFile}"\nSELECT 'pwned';`,
    '.shell': `.shell touch "${c.ranFile}"`,
    'readfile()': `INSERT INTO loot SELECT readfile('${c.secretFile}');`,
  };
}

describe('hostile SQLite backups: a remote writer cannot reach the restoring machine', () => {
  it('a forged backup with a dot-command or a file function is refused, nothing leaks, the target is unchanged', async () => {
    const dir = await tempDir('bk-hostile-sqlite-');
    const file = join(dir, 'app.db');
    const db = new DatabaseSync(file);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept');");
    db.close();
    await writeConfig(dir, { remote: './remote', databases: { default: `sqlite:${file}` } });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    const before = await readFile(file);
    const canaries = await createCanaries((secret) => `INSERT INTO loot VALUES ('${secret}');\n`);
    const failures: string[] = [];
    for (const [name, attack] of Object.entries(attacks(canaries))) {
      await forgeLatestBackup(dir, join(dir, 'remote'), hostileDump(attack));
      const result = await bk(dir, ['dbrestore', '--noinput'], { env: canaries.env });
      try {
        expect(await readFile(file)).toEqual(before);
        await expectNothingLeaked(result, canaries, '', /sqlite3|SQLite/);
      } catch (error) {
        failures.push(`${name}: exit ${result.exitCode}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
