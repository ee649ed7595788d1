import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rclone, type RcloneNotice } from '../src/index.js';
import { tempDir } from './helpers.js';

// rclone's notices that a file was left out reach the caller, with the object they name.
describe('onNotice', () => {
  it('reports skipped symlinks and duplicate names from lsjson and sync, each with its object', async () => {
    await using dir = await tempDir();
    const src = join(dir.path, 'src');
    await mkdir(src);
    await writeFile(join(src, 'caf\u00e9.txt'), 'nfc');
    await writeFile(join(src, 'cafe\u0301.txt'), 'nfd');
    await symlink('/nonexistent', join(src, 'link'));
    const rclone = new Rclone();
    const listed: RcloneNotice[] = [];
    await rclone.lsjson(src, { recursive: true, onNotice: (notice) => listed.push(notice) });
    expect(listed).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        object: 'link',
        message: expect.stringMatching(/symlink/),
      }),
    );
    const synced: RcloneNotice[] = [];
    const result = await rclone.sync(src, join(dir.path, 'dst'), {
      onNotice: (notice) => synced.push(notice),
    });
    expect(result.transferred).toBe(1);
    expect(synced.map((notice) => notice.message)).toContain('Duplicate object found in source - ignoring');
    expect(synced.some((notice) => /Config file/.test(notice.message))).toBe(false);
  });
});
