import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Rclone, RcloneNotFoundError } from '../src/index.js';
import { digest, tempDir } from './helpers.js';

async function readAll(rclone: Rclone, remotePath: string, options = {}): Promise<string> {
  const handle = rclone.cat(remotePath, options);
  const chunks: Buffer[] = [];
  for await (const chunk of handle.stream) chunks.push(chunk as Buffer);
  await handle.done;
  return Buffer.concat(chunks).toString('utf8');
}

describe('local remotes', () => {
  it('rcat and cat through a plain path, :local: and an env-defined remote', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone({ env: { RCLONE_CONFIG_MYLOCAL_TYPE: 'local' } });
    await rclone.rcat(join(dir.path, 'plain.txt'), Readable.from([Buffer.from('plain')]));
    await rclone.rcat(`:local:${dir.path}/conn.txt`, Readable.from([Buffer.from('connection')]));
    await rclone.rcat(`mylocal:${dir.path}/env/named.txt`, Readable.from([Buffer.from('named')]));
    expect(await readFile(join(dir.path, 'plain.txt'), 'utf8')).toBe('plain');
    expect(await readFile(join(dir.path, 'conn.txt'), 'utf8')).toBe('connection');
    expect(await readFile(join(dir.path, 'env/named.txt'), 'utf8')).toBe('named');
    expect(await readAll(rclone, `mylocal:${dir.path}/plain.txt`)).toBe('plain');
    expect(await readAll(rclone, `:local:${dir.path}/env/named.txt`)).toBe('named');
  });

  it('uses a config file (--config)', async () => {
    await using dir = await tempDir();
    const configFile = join(dir.path, 'rclone.conf');
    await writeFile(configFile, `[fromfile]\ntype = alias\nremote = ${dir.path}/data\n`);
    const rclone = new Rclone({ configFile });
    await rclone.mkdir('fromfile:');
    await rclone.rcat('fromfile:a.txt', Readable.from([Buffer.from('aliased')]));
    expect(await readFile(join(dir.path, 'data/a.txt'), 'utf8')).toBe('aliased');
  });

  it('cat supports --offset and --count', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'abc.txt'), '0123456789');
    const rclone = new Rclone();
    expect(await readAll(rclone, join(dir.path, 'abc.txt'), { offset: 3, count: 4 })).toBe('3456');
    expect(await readAll(rclone, join(dir.path, 'abc.txt'), { offset: 8 })).toBe('89');
  });

  it('lsjson lists files and returns [] for a missing directory', async () => {
    await using dir = await tempDir();
    await mkdir(join(dir.path, 'sub'));
    await writeFile(join(dir.path, 'sub/f.txt'), 'abc');
    const rclone = new Rclone();
    const entries = await rclone.lsjson(dir.path, { recursive: true, filesOnly: true, hash: 'md5' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      Path: 'sub/f.txt',
      Name: 'f.txt',
      Size: 3,
      IsDir: false,
      Hashes: { md5: '900150983cd24fb0d6963f7d28e17f72' },
    });
    expect(await rclone.lsjson(join(dir.path, 'does/not/exist'))).toEqual([]);
    expect(await rclone.lsjson(`:local:${dir.path}/missing`)).toEqual([]);
  });

  it('copyto and moveto', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'a.txt'), 'payload');
    const rclone = new Rclone();
    await rclone.copyto(join(dir.path, 'a.txt'), join(dir.path, 'copy/b.txt'));
    expect(await readFile(join(dir.path, 'copy/b.txt'), 'utf8')).toBe('payload');
    await rclone.moveto(join(dir.path, 'copy/b.txt'), join(dir.path, 'final/c.txt'));
    expect(await readFile(join(dir.path, 'final/c.txt'), 'utf8')).toBe('payload');
    await expect(stat(join(dir.path, 'copy/b.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    const missing = rclone.moveto(join(dir.path, 'nope.txt'), join(dir.path, 'x.txt'));
    await expect(missing).rejects.toBeInstanceOf(RcloneNotFoundError);
  });

  it('deletefile: missing file throws RcloneNotFoundError, or succeeds with ignoreMissing', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'a.txt'), 'x');
    const rclone = new Rclone();
    await rclone.deletefile(join(dir.path, 'a.txt'));
    await expect(stat(join(dir.path, 'a.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    const started = Date.now();
    const error = await rclone.deletefile(join(dir.path, 'a.txt')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RcloneNotFoundError);
    expect(error).toMatchObject({ code: 'BK_RCLONE_NOT_FOUND', category: 'operation', exitCode: 1 });
    expect((error as Error).message).toMatch(/^rclone deletefile exited 1: .*doesn't exist/);
    // --retries 1: no three attempts.
    expect((error as RcloneNotFoundError).stderrTail).not.toContain('Attempt 2/');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(
      rclone.deletefile(join(dir.path, 'a.txt'), { ignoreMissing: true }),
    ).resolves.toBeUndefined();
  });

  it('mkdir and purge', async () => {
    await using dir = await tempDir();
    const rclone = new Rclone();
    await rclone.mkdir(join(dir.path, 'made/deep'));
    expect((await stat(join(dir.path, 'made/deep'))).isDirectory()).toBe(true);
    await writeFile(join(dir.path, 'made/deep/f'), 'x');
    await rclone.purge(join(dir.path, 'made'));
    await expect(stat(join(dir.path, 'made'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(rclone.purge(join(dir.path, 'made'))).rejects.toMatchObject({ exitCode: 3 });
  });

  it('hashsum md5 maps paths to hashes', async () => {
    await using dir = await tempDir();
    await mkdir(join(dir.path, 'd'));
    await writeFile(join(dir.path, 'a.txt'), 'abc');
    await writeFile(join(dir.path, 'd/b name.txt'), '');
    const rclone = new Rclone();
    const hashes = await rclone.hashsum('md5', dir.path);
    expect(Object.fromEntries(hashes)).toEqual({
      'a.txt': '900150983cd24fb0d6963f7d28e17f72',
      'd/b name.txt': 'd41d8cd98f00b204e9800998ecf8427e',
    });
    expect(await rclone.hashsum('md5', join(dir.path, 'a.txt'))).toEqual(
      new Map([['a.txt', '900150983cd24fb0d6963f7d28e17f72']]),
    );
  });

  it('version parses rclone version', async () => {
    const { version, raw } = await new Rclone().version();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(raw).toContain(`rclone v${version}`);
  });

  it('run passes args, stdin and returns stdout and stderr', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'a.txt'), 'abc');
    const rclone = new Rclone();
    const { stdout } = await rclone.run(['size', '--json', dir.path]);
    expect(JSON.parse(stdout)).toMatchObject({ count: 1, bytes: 3 });
    const { stdout: revealed } = await rclone.run(['reveal', '--', await rclone.obscure('hunter22')]);
    expect(revealed.trim()).toBe('hunter22');
  });

  it('reports each command to onCommand, and cat of a 1-byte file streams it', async () => {
    await using dir = await tempDir();
    await writeFile(join(dir.path, 'one'), 'x');
    const commands: string[] = [];
    const rclone = new Rclone({
      onCommand: (command) => commands.push(command),
      flags: ['--low-level-retries', '2'],
    });
    expect(await digest(rclone.cat(join(dir.path, 'one')).stream)).toMatchObject({ bytes: 1 });
    expect(commands).toEqual([`rclone cat --ask-password=false --low-level-retries 2 -- ${dir.path}/one`]);
  });
});
