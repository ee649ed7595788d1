import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BkError, mediaBackup, mediaRestore } from '../src/index.js';
import { localStorage, steppingClock, tempDir } from './media-helpers.js';

/**
 * The standing attack on media names: random sets of hostile names, each backed up and restored
 * into another root. Either the names and contents come back byte-exact, or the backup refuses
 * with a name error and nothing at all was written to the remote. The seed is fixed (and printed
 * by fast-check on failure); BK_PROPERTY_SEED and BK_PROPERTY_RUNS override it.
 */
const SEED = Number(process.env.BK_PROPERTY_SEED ?? 20261208);
const RUNS = Number(process.env.BK_PROPERTY_RUNS ?? 25);

const PIECES: (string | number[])[] = [
  'a',
  'Z',
  '0',
  '.',
  ' ',
  '-',
  '\n',
  '\r',
  '\t',
  '\u0001',
  '\u001f',
  '\u007f',
  '*',
  '?',
  ':',
  '\\',
  '%',
  '%41',
  '#',
  ';',
  '[x]',
  '~',
  "'",
  '"',
  '<>|$`',
  '\u00e9',
  'e\u0301',
  'CAF\u00c9',
  '\u{1f600}',
  '\u{1f468}\u200d\u{1f469}',
  '\u240a',
  '\u2421',
  '\u201b',
  '\u2400',
  '\uff0f',
  '\uff0e',
  '\ufffd',
  '\u00df',
  '\u0130',
  '\u202e',
  'x'.repeat(60),
  [0xff],
  [0xc3],
  [0xed, 0xa0, 0x80],
];

const piece = fc
  .constantFrom(...PIECES)
  .map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part)));
const segment = fc
  .array(piece, { minLength: 1, maxLength: 6 })
  .map((parts) => Buffer.concat(parts))
  .filter((name) => {
    const text = name.toString('latin1');
    return name.length <= 255 && text !== '.' && text !== '..' && !text.startsWith('.bk-restore-');
  });
/** A file: one or two segments (a file directly in the root, or in a subdirectory). */
const file = fc.array(segment, { minLength: 1, maxLength: 2 });
const tree = fc.uniqueArray(file, {
  minLength: 1,
  maxLength: 5,
  selector: (segments) => segments.map((part) => part.toString('hex')).join('/'),
});

const decoder = new TextDecoder('utf-8', { fatal: true });
function utf8(name: Buffer): string | undefined {
  try {
    return decoder.decode(name);
  } catch {
    return undefined;
  }
}

/** Drops files that clash with the tree on disk (a file where another file needs a directory). */
function layable(files: Buffer[][]): Buffer[][] {
  const key = (parts: Buffer[]) => parts.map((part) => part.toString('hex')).join('/');
  const asFile = new Set(files.map(key));
  return files.filter((parts) => parts.length === 1 || !asFile.has(key(parts.slice(0, 1))));
}

/** The independent oracle: must bk refuse this tree? */
function mustRefuse(files: Buffer[][]): boolean {
  const spellings = new Map<string, Set<string>>();
  for (const parts of files) {
    const texts = parts.map(utf8);
    if (texts.some((text) => text === undefined)) return true;
    for (const text of texts as string[]) {
      if (text.includes('\u201b')) return true;
    }
    for (let end = 1; end <= texts.length; end++) {
      const prefix = texts.slice(0, end).join('/');
      const set = spellings.get(prefix.normalize('NFC')) ?? new Set<string>();
      set.add(prefix);
      spellings.set(prefix.normalize('NFC'), set);
    }
  }
  return [...spellings.values()].some((set) => set.size > 1);
}

/** Every file under `dir`: raw name bytes (hex, `/`-joined) → content (hex). */
async function rawTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(current: Buffer, prefix: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true, encoding: 'buffer' })) {
      const full = Buffer.concat([current, Buffer.from('/'), entry.name]);
      const key = `${prefix}${entry.name.toString('hex')}`;
      if (entry.isDirectory()) await walk(full, `${key}/`);
      else out[key] = (await readFile(full)).toString('hex');
    }
  }
  await walk(Buffer.from(dir), '');
  return out;
}

describe('media names, property-based', () => {
  it(`round-trips any set of names byte-exact, or refuses it before writing anything (${RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(tree, async (generated) => {
        const files = layable(generated);
        await using media = await tempDir('prop-root');
        await using remote = await tempDir('prop-remote');
        await using target = await tempDir('prop-target');
        for (const [index, parts] of files.entries()) {
          let path = Buffer.from(media.path);
          for (const [depth, part] of parts.entries()) {
            path = Buffer.concat([path, Buffer.from('/'), part]);
            if (depth < parts.length - 1) await mkdir(path, { recursive: true });
          }
          await writeFile(path, `file ${index}\n`);
        }
        const storage = localStorage(remote.path);
        const refuse = mustRefuse(files);
        const outcome = await mediaBackup({ storage, root: media.path, now: steppingClock() }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (outcome !== undefined) {
          expect(BkError.isInstance(outcome) ? outcome.code : String(outcome)).toMatch(
            /^BK_MEDIA_NAME_(COLLISION|UNSUPPORTED)$/,
          );
          expect(refuse, 'bk refused names the oracle accepts').toBe(true);
          expect(await rawTree(remote.path), 'a refused backup wrote to the remote').toEqual({});
          return;
        }
        expect(refuse, 'bk accepted names the oracle refuses').toBe(false);
        await mediaRestore({ storage, root: target.path });
        expect(await rawTree(target.path)).toEqual(await rawTree(media.path));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
