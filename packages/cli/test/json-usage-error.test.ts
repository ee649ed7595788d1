import { describe, expect, it } from 'vitest';
import { bk, tempDir } from './helpers.js';

// docs/errors.md: with --json, the final line on stdout is the result object, even for a usage error.
describe('--json with a wrong command line', () => {
  it.each([
    [['--json', 'dbbackup', '--bogus'], 'dbbackup'],
    [['dbbackup', '--bogus', '--json'], 'dbbackup'],
    [['--json', 'no-such-command'], undefined],
  ])('bk %j prints a final result object with ok false and BK_USAGE, exit 2', async (args, command) => {
    const result = await bk(await tempDir(), args);
    expect(result.exitCode).toBe(2);
    const lines = result.stdout.trim().split('\n');
    const last = JSON.parse(lines.at(-1) ?? '') as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'result', ok: false, error: { code: 'BK_USAGE' } });
    if (command) expect(last.command).toBe(command);
    expect(result.stderr).toMatch(/^bk: /);
  });

  it('a config error before any command runs is a result object too', async () => {
    const result = await bk(await tempDir(), ['--json', '--config', 'missing.json', 'listbackups']);
    expect(result.exitCode).toBe(2);
    const last = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'result', ok: false, error: { code: 'BK_CONFIG_INVALID' } });
  });
});
