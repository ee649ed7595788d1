import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, tempDir } from './helpers.js';

// Media names through the built binary: a refused name is a one-line error with its code and
// exit 2, nothing written; a skipped symlink is a warning on stderr and in the run log.
async function project(files: Record<string, string>) {
  const dir = await tempDir('bk-cli-media-names-');
  const media = join(dir, 'media');
  mkdirSync(media, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(media, name), content);
  writeFileSync(
    join(dir, 'bk.config.json'),
    JSON.stringify({ remote: './remote', media: { root: './media' }, log: { file: './bk.log' } }),
  );
  return { dir, media, remote: join(dir, 'remote') };
}

const runLog = (dir: string) =>
  readFileSync(join(dir, 'bk.log'), 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) => JSON.parse(line) as { command: string; status: string; warnings?: string[]; error?: string },
    );

describe('media names through the CLI', () => {
  it('NFC and NFD café.txt: exit 2 naming both, nothing on the remote, the run log says why', async () => {
    const { dir, remote } = await project({ 'caf\u00e9.txt': 'nfc', 'cafe\u0301.txt': 'nfd' });
    const result = await bk(dir, ['mediabackup']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^bk: media\.root: media names that differ only in Unicode normalization/m);
    expect(result.stderr).toContain('"cafe\\u0301.txt" and "caf\\u00e9.txt"');
    // Only the media lock's (empty) directory may exist: no file at all.
    const remoteFiles = readdirSync(remote, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(remoteFiles.map((entry) => entry.name)).toEqual([]);
    const [record] = runLog(dir);
    expect(record).toMatchObject({ command: 'mediabackup', status: 'failed' });
    expect(record!.error).toMatch(/Unicode normalization/);

    const json = await bk(dir, ['mediabackup', '--json']);
    expect(json.exitCode).toBe(2);
    expect(json.stdout).toContain('"code":"BK_MEDIA_NAME_COLLISION"');
  });

  it('a symlink is a warning on stderr and in the run log; the run succeeds', async () => {
    const { dir, media } = await project({ 'real.txt': 'real' });
    symlinkSync('real.txt', join(media, 'link.txt'));
    const result = await bk(dir, ['mediabackup']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: media: "link\.txt" is a symlink: not backed up/);
    const [record] = runLog(dir);
    expect(record).toMatchObject({ command: 'mediabackup', status: 'succeeded' });
    expect(record!.warnings).toEqual(['"link.txt" is a symlink: not backed up (bk does not follow links)']);
  });

  it('a restore blocked by a directory exits 1 with a bk code, never a raw errno, and changes nothing', async () => {
    const { dir, media } = await project({ 'a.txt': 'a1', 'b.txt': 'b1' });
    expect((await bk(dir, ['mediabackup'])).exitCode).toBe(0);
    writeFileSync(join(media, 'a.txt'), 'a2');
    const { rmSync } = await import('node:fs');
    rmSync(join(media, 'b.txt'));
    mkdirSync(join(media, 'b.txt'));
    const result = await bk(dir, ['mediarestore', '--noinput', '--json']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('"code":"BK_MEDIA_RESTORE_CONFLICT"');
    expect(result.stdout + result.stderr).not.toMatch(/ENOENT|ENOTDIR|EISDIR/);
    expect(readFileSync(join(media, 'a.txt'), 'utf8')).toBe('a2');
  });
});
