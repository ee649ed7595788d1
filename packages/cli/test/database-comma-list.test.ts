import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createSmallDatabase, filesUnder, tempDir, writeConfig } from './helpers.js';

// django-dbbackup users type `-d a,b`; bk takes it like `-d a -d b`.
describe('dbbackup -d with a comma list', () => {
  it('-d one,two backs up both and nothing else', async () => {
    const dir = await tempDir();
    for (const name of ['one', 'two', 'three']) createSmallDatabase(join(dir, `${name}.db`));
    await writeConfig(dir, {
      remote: './remote',
      databases: { one: 'sqlite:./one.db', two: 'sqlite:./two.db', three: 'sqlite:./three.db' },
    });
    const result = await bk(dir, ['dbbackup', '-d', 'one,two']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const objects = (await filesUnder(join(dir, 'remote'))).filter((file) =>
      /^db\/[a-z]+-.*\.sql$/.test(file),
    );
    expect(objects.map((file) => file.split('-')[0]).sort()).toEqual(['db/one', 'db/two']);
    const unknown = await bk(dir, ['dbbackup', '-d', 'one,nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('unknown database "nope"');
  });
});
