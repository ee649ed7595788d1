import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Rclone } from '../src/index.js';
import { digest, randomStream, tempDir } from './helpers.js';

function cryptRclone(base: string, obscured: string): Rclone {
  return new Rclone({
    env: {
      RCLONE_CONFIG_VAULT_TYPE: 'crypt',
      RCLONE_CONFIG_VAULT_REMOTE: `:local:${base}`,
      RCLONE_CONFIG_VAULT_PASSWORD: obscured,
    },
  });
}

describe('crypt remote defined by env over a local dir', () => {
  it('round-trips data and names, storing only ciphertext', async () => {
    await using dir = await tempDir();
    const password = 'correct horse battery staple';
    const obscured = await new Rclone().obscure(password);
    expect(obscured).not.toContain(password);
    const rclone = cryptRclone(join(dir.path, 'enc'), obscured);
    const source = randomStream(3 * 1024 * 1024 + 17);
    await rclone.rcat('vault:db/secret-name.bin', source.stream);
    const handle = rclone.cat('vault:db/secret-name.bin');
    const [result] = await Promise.all([digest(handle.stream), handle.done]);
    expect(result).toEqual({ sha256: source.sha256(), bytes: 3 * 1024 * 1024 + 17 });

    const entries = await rclone.lsjson('vault:db');
    expect(entries.map((entry) => [entry.Name, entry.Size])).toEqual([
      ['secret-name.bin', 3 * 1024 * 1024 + 17],
    ]);
    const stored = await readdir(join(dir.path, 'enc'), { recursive: true });
    expect(stored.join('\n')).not.toContain('secret-name');
    expect(stored).toHaveLength(2);

    await rclone.moveto('vault:db/secret-name.bin', 'vault:db/renamed.bin');
    expect((await rclone.lsjson('vault:db')).map((entry) => entry.Name)).toEqual(['renamed.bin']);
  });

  it('with a wrong password lists nothing and succeeds (rclone behaviour callers must know)', async () => {
    await using dir = await tempDir();
    const right = cryptRclone(join(dir.path, 'enc'), await new Rclone().obscure('right password'));
    await right.rcat('vault:a.txt', Readable.from([Buffer.from('x')]));
    const wrong = cryptRclone(join(dir.path, 'enc'), await new Rclone().obscure('wrong password'));
    expect(await wrong.lsjson('vault:')).toEqual([]);
  });
});
