import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import * as core from '../dist/index.js';

const { AbortedError, BackupNotFoundError, BinaryNotFoundError, ConfigError, IntegrityError, ProcessError } =
  core;
const classes = {
  ProcessError,
  IntegrityError,
  ConfigError,
  AbortedError,
  BinaryNotFoundError,
  BackupNotFoundError,
};

// Two installed copies of @bk/core (a project's and a global bk's, or two nested npm copies) each
// have their own classes, so `instanceof` fails across them; `isInstance` checks global markers.
const here = dirname(fileURLToPath(import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'bk-core-copy-'));
afterAll(() => rm(work, { recursive: true, force: true }));
await cp(resolve(here, '../dist'), join(work, 'dist'), { recursive: true });
await writeFile(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
const other = (await import(pathToFileURL(join(work, 'dist/index.js')).href)) as typeof core;

const fields = { process: 'pg_dump', exitCode: 1, signal: undefined, stderrTail: 'boom' };
const errors = {
  ProcessError: () => new other.ProcessError(fields),
  IntegrityError: () =>
    new other.IntegrityError('db/x', { bytes: 1, sha256: 'a' }, { bytes: 2, sha256: 'b' }),
  ConfigError: () => new other.ConfigError('bad', { key: 'remote' }),
  AbortedError: () => new other.AbortedError('dump'),
  BinaryNotFoundError: () => new other.BinaryNotFoundError('pg_dump', 'apt-get install postgresql-client'),
  BackupNotFoundError: () => new other.BackupNotFoundError('nothing'),
} as const;

describe('errors from another copy of @bk/core', () => {
  it('the second copy really is another copy (instanceof fails)', () => {
    expect(other.ProcessError).not.toBe(core.ProcessError);
    expect(errors.ProcessError() instanceof core.ProcessError).toBe(false);
  });

  it.each(Object.keys(errors) as Array<keyof typeof errors>)('%s.isInstance recognises it', (name) => {
    const error = errors[name]();
    expect(classes[name].isInstance(error)).toBe(true);
    expect(core.BkError.isInstance(error)).toBe(true);
    const others = (Object.keys(errors) as Array<keyof typeof errors>).filter((entry) => entry !== name);
    for (const entry of others) expect(classes[entry].isInstance(error), `${entry}.isInstance`).toBe(false);
  });

  it('a subclass is recognised by its base: a PgVersionMismatchError-like ProcessError subclass', () => {
    class Sub extends other.ProcessError {}
    expect(core.ProcessError.isInstance(new Sub(fields))).toBe(true);
    expect(core.ProcessError.isInstance(new Error('plain'))).toBe(false);
    expect(core.ProcessError.isInstance({ code: 'BK_PROCESS_FAILED' })).toBe(false);
  });
});
