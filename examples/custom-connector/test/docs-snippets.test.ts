import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = ['../src/tar-dir-connector.ts', '../src/index.ts', 'conformance.test.ts'];

describe('docs/writing-a-connector.md', () => {
  it('every TypeScript snippet cut from this example is still in its sources, verbatim', async () => {
    const page = await readFile(join(here, '../../../docs/writing-a-connector.md'), 'utf8');
    const sources = (await Promise.all(FILES.map((file) => readFile(join(here, file), 'utf8')))).join('\n');
    const snippets = [...page.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? '')
      // The contract import and the secrets illustration are not from the example.
      .filter((snippet) => !snippet.includes('createSecretFile') && !snippet.startsWith('import type'));
    expect(snippets.length).toBeGreaterThanOrEqual(6);
    for (const snippet of snippets) expect(sources, snippet.slice(0, 80)).toContain(snippet);
  });
});
