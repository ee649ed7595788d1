import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createStorage, joinRemote, parseRemote, RcloneStorage } from '../src/index.js';
import { tempDir } from './helpers/fixtures.js';

describe('RcloneStorage', () => {
  it('joins paths for every remote form', () => {
    const cases: [string, string][] = [
      ['offsite:myapp', 'offsite:myapp/db/x'],
      ['offsite:myapp/', 'offsite:myapp/db/x'],
      ['offsite:', 'offsite:db/x'],
      ['offsite:/abs', 'offsite:/abs/db/x'],
      [':local:/srv/b', ':local:/srv/b/db/x'],
      [':sftp,host=example.com:path', ':sftp,host=example.com:path/db/x'],
      [':sftp,host=example.com,key_file=/k/id:', ':sftp,host=example.com,key_file=/k/id:db/x'],
      ['/var/backups/app/', '/var/backups/app/db/x'],
      ['./backups', `${resolve('backups')}/db/x`],
      ['backups', `${resolve('backups')}/db/x`],
      ['some/dir:x', `${resolve('some/dir:x')}/db/x`],
    ];
    for (const [remote, expected] of cases) {
      expect(createStorage(remote).remotePath('db/x'), remote).toBe(expected);
    }
    expect(parseRemote('offsite:app').kind).toBe('remote');
    expect(parseRemote(':s3,provider=AWS:bucket').kind).toBe('connection');
    expect(parseRemote('rel').kind).toBe('local');
    expect(joinRemote('r:', '')).toBe('r:');
    expect(() => createStorage('')).toThrow(/remote is empty/);
  });

  it('redacts secrets in location', () => {
    const storage = new RcloneStorage({ remote: ':sftp,host=h,user=u,pass=s3cretvalue:backups' });
    expect(storage.location).toBe(':sftp,host=h,user=u,pass=***:backups');
    expect(new RcloneStorage({ remote: 'r:x', rclone: { secrets: ['x-secret'] } }).location).toBe('r:x');
  });

  it('put, get, read, write, list, move, delete on a local directory remote', async () => {
    const dir = tempDir();
    const storage = createStorage(join(dir, 'remote'));
    await storage.check();
    expect(await storage.list('db')).toEqual([]);
    await storage.put('db/.partial/a', Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    await storage.move('db/.partial/a', 'db/a');
    expect(readFileSync(join(dir, 'remote/db/a'), 'utf8')).toBe('hello world');
    const handle = storage.get('db/a');
    expect(await text(handle.stream)).toBe('hello world');
    await handle.done;
    await storage.write('db/b.json', '{"x":1}\n');
    expect((await storage.read('db/b.json')).toString()).toBe('{"x":1}\n');
    const listed = await storage.list('db', { recursive: true });
    expect(listed.map((entry) => [entry.path, entry.size, entry.isDir]).sort()).toEqual([
      ['.partial', -1, true],
      ['a', 11, false],
      ['b.json', 8, false],
    ]);
    await storage.delete('db/a');
    await storage.delete('db/a');
    expect((await storage.list('db')).map((entry) => entry.name).sort()).toEqual(['.partial', 'b.json']);
    await expect(storage.read('db/missing')).rejects.toThrow(/rclone cat/);
  });

  it('check fails with a config error for an unknown remote', async () => {
    const error = (await createStorage('bk-no-such-remote:x')
      .check()
      .catch((caught: unknown) => caught)) as {
      category: string;
      hint: string;
    };
    expect(error.category).toBe('config');
    expect(error.hint).toMatch(/rclone config/);
  });
});
