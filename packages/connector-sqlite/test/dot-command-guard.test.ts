import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { DotCommandGuard } from '../src/dot-command-guard.js';

/** Runs `chunks` through a guard; resolves with the text passed on, or rejects with the refused line. */
function guard(chunks: string[]): Promise<string> {
  const refuse = (line: number) => Object.assign(new Error(`line ${line}`), { line });
  return text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new DotCommandGuard(refuse)));
}

describe('DotCommandGuard finds a dot-command at any chunk boundary', () => {
  it('passes SQL through unchanged, dots inside a line included', async () => {
    const sql = "INSERT INTO t VALUES('a.b');\nSELECT 1.5;\n  SELECT .5;\n";
    expect(await guard([sql])).toBe(sql);
    expect(await guard(sql.split(''))).toBe(sql);
  });

  it.each([
    ['at the start', ['.shell x\n'], 1],
    ['after a newline that ends the previous chunk', ['SELECT 1;\n', '.trace f\n'], 2],
    ['after blanks split over chunks', ['SELECT 1;\n \t', '\r', '.trace f\n'], 2],
    ['on the third line, one byte per chunk', [...'a\nb\n.x\n'], 3],
  ])('refuses a dot-command %s', async (_name, chunks, line) => {
    await expect(guard(chunks)).rejects.toMatchObject({ line });
  });
});
