import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Rclone } from '@bk/rclone';
import { describe, expect, it } from 'vitest';
import { ConfigError, RcloneStorage } from '../src/index.js';
import { tempDir } from './helpers/fixtures.js';

const obscure = (password: string) => new Rclone().obscure(password);

async function crypt(store: string, remote: string, password: string): Promise<RcloneStorage> {
  return new RcloneStorage({
    remote,
    rclone: {
      env: {
        RCLONE_CONFIG_BKCHECK_TYPE: 'crypt',
        RCLONE_CONFIG_BKCHECK_REMOTE: store,
        RCLONE_CONFIG_BKCHECK_PASSWORD: await obscure(password),
      },
    },
  });
}

describe('RcloneStorage.check', () => {
  it.each([
    ['a base path', 'bkcheck:app'],
    ['a nested base path', 'bkcheck:app/prod'],
    ['the root', 'bkcheck:'],
  ])('a wrong crypt password fails with BK_CRYPT_PASSWORD (%s), never "empty"', async (_name, remote) => {
    const store = join(tempDir(), 'store');
    const right = await crypt(store, remote, 'right');
    await right.check();
    await right.write('db/x.json', '{}');
    await right.check();
    const wrong = await crypt(store, remote, 'wrong');
    const error = await wrong.check().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'BK_CRYPT_PASSWORD', category: 'config' });
    // A new base next to the backups, under the right password, is fine.
    await (await crypt(store, 'bkcheck:other', 'right')).check();
  });

  it('an unreachable server is an operation failure that says so, not an unknown remote', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const storage = new RcloneStorage({
      remote: `:sftp,host=127.0.0.1,port=${port},user=u,pass=${await obscure('x')}:app`,
      rclone: { flags: ['--contimeout', '2s', '--low-level-retries', '1', '--retries', '1'] },
    });
    const error = await storage.check().catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ category: 'operation' });
    expect((error as Error).message).toMatch(/remote unreachable/);
    await expect(storage.put('x', Readable.from(['y']))).rejects.toThrow(/remote unreachable/);
  });
});
