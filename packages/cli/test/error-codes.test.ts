import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BK_ERROR_CODES } from '@bk/core';
import { describe, expect, it } from 'vitest';
import { ERROR_HINTS } from '../src/output/error-hints.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
/** Environment variables that look like codes. */
const NOT_CODES = new Set(['BK_CONFIG', 'BK_REMOTE']);

/** Every `'BK_…'` string literal in the sources of every package. */
async function codesInSources(): Promise<Set<string>> {
  const codes = new Set<string>();
  for (const pkg of await readdir(join(ROOT, 'packages'))) {
    const src = join(ROOT, 'packages', pkg, 'src');
    const files = await readdir(src, { recursive: true }).catch(() => []);
    for (const file of files.filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(join(src, file), 'utf8');
      for (const match of text.matchAll(/['"]((?:BK)_[A-Z0-9_]+)['"]/g)) {
        if (match[1] && !NOT_CODES.has(match[1]) && !match[1].startsWith('BK_TEST_')) codes.add(match[1]);
      }
    }
  }
  return codes;
}

describe('error codes', () => {
  it('every code thrown in any package has an explanation and a hint in the CLI table', async () => {
    const missing = [...(await codesInSources())].filter((code) => !(code in ERROR_HINTS));
    expect(missing).toEqual([]);
  });

  it('@bk/core exports BK_ERROR_CODES (and the BkErrorCode union): exactly the codes of the table', () => {
    // A new code goes in three places: the CLI table, docs/errors.md and BK_ERROR_CODES in
    // packages/core/src/errors/error-codes.ts (the exported BkErrorCode union).
    expect([...BK_ERROR_CODES].sort(), 'update packages/core/src/errors/error-codes.ts').toEqual(
      Object.keys(ERROR_HINTS).sort(),
    );
  });

  it('docs/errors.md lists exactly the codes of the table', async () => {
    const doc = await readFile(join(ROOT, 'docs/errors.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(BK_[A-Z0-9_]+)`\s+\|/gm)].map((match) => match[1]));
    expect([...documented].sort()).toEqual(Object.keys(ERROR_HINTS).sort());
  });

  it('every entry is one line of explanation and one line of hint', () => {
    for (const [code, entry] of Object.entries(ERROR_HINTS)) {
      expect(entry.explanation, code).not.toMatch(/\n/);
      expect(entry.hint, code).not.toMatch(/\n/);
      expect(entry.hint.length, code).toBeGreaterThan(5);
    }
  });
});
