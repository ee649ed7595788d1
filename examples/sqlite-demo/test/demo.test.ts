import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const demo = join(dirname(dirname(fileURLToPath(import.meta.url))), 'demo.mjs');
const run = promisify(execFile);

describe('npm run demo', () => {
  it('passes, and passes again on a second run', async () => {
    for (const attempt of [1, 2]) {
      const result = await run(process.execPath, [demo], { env: { ...process.env, NO_COLOR: '1' } }).catch(
        (error: { code?: number; stdout?: string; stderr?: string }) => {
          throw new Error(`run ${attempt} exited ${error.code}:\n${error.stdout}\n${error.stderr}`);
        },
      );
      expect(result.stdout).toContain('$ bk dbbackup');
      expect(result.stdout).toContain('$ bk dbrestore --noinput');
      expect(result.stdout).toContain('Demo complete');
    }
  });
});
