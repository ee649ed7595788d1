import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BkError, parseManifest, parseMediaManifest } from '../src/index.js';
import { localPath } from '../src/media/names.js';

/**
 * The standing attack on manifests: arbitrary JSON and forged fields (huge, negative, fractional
 * numbers, non-hex hashes, `../` and absolute paths, wrong types, extra keys, `__proto__`) must be
 * rejected or safely ignored: never a crash, never a path outside the remote layout or the media
 * root, never a polluted prototype. Seed fixed (printed on failure); BK_PROPERTY_SEED overrides it.
 */
const SEED = Number(process.env.BK_PROPERTY_SEED ?? 20261208);
const RUNS = Number(process.env.BK_PROPERTY_MANIFEST_RUNS ?? 400);
const ROOT = '/srv/media-root';

const hostileValue = fc.oneof(
  fc.constantFrom(
    1e300,
    -1,
    -0,
    1.5,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    '',
    'x',
    '../x',
    '/etc/passwd',
    'a/../../b',
    'a//b',
    './a',
    'a/.',
    '.bk-restore-0/x',
    '\u0000',
    'a\nb',
    '\uff0e\uff0e/escape',
    '\u2024\u2024/x',
    '..\\..\\x',
    'C:\\x',
    'ZZZZ',
    'd41d8cd98f00b204e9800998ecf8427e',
    'not hex at all!',
    '2030-01-01T00:00:00Z',
    'yesterday',
    true,
    null,
    [],
    {},
    { __proto__: null, polluted: 1 },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const validMedia = {
  format: 'bk-media-snapshot',
  version: 1,
  stamp: '2030-01-01-000000',
  createdAt: '2030-01-01T00:00:00.000Z',
  finishedAt: '2030-01-01T00:00:01.000Z',
  host: 'host',
  hashType: 'md5',
  remoteHashes: true,
  exclude: [],
  files: 2,
  bytes: 3,
  entries: [
    { path: 'a.txt', size: 1, modTime: '2030-01-01T00:00:00Z', hash: 'd41d8cd98f00b204e9800998ecf8427e' },
    { path: 'dir/b\u240a.txt', size: 2, modTime: '2030-01-01T00:00:00Z' },
  ],
};

const validDb = {
  formatVersion: 1,
  database: 'app',
  connector: 'pg',
  engine: 'postgresql',
  serverVersion: '15',
  toolVersion: '15',
  host: 'host',
  bkVersion: '1.0.0',
  name: 'app-2030-01-01-000000.dump',
  path: 'db/app-2030-01-01-000000.dump',
  bytes: 10,
  sha256: 'a'.repeat(64),
  startedAt: '2030-01-01T00:00:00Z',
  finishedAt: '2030-01-01T00:00:01Z',
};

/** A copy of `base` with `key` (a top-level key, or `entries.N.key`) set to `value`, as JSON text. */
function forge(base: Record<string, unknown>, key: string, value: unknown): string {
  const copy = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const parts = key.split('.');
  let target: Record<string, unknown> = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
  target[parts.at(-1)!] = value;
  return JSON.stringify(copy);
}

function expectUnpolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

/** A media manifest that parsed must keep every restore inside the root. */
function checkMediaAccepted(text: string): void {
  let manifest: ReturnType<typeof parseMediaManifest>;
  try {
    manifest = parseMediaManifest(text, 'forged.json');
  } catch (error) {
    expect(BkError.isInstance(error) && error.code).toBe('BK_MEDIA_MANIFEST_INVALID');
    return;
  }
  expect(Object.getPrototypeOf(manifest)).toBe(Object.prototype);
  expect(Object.keys(manifest).sort()).toEqual(Object.keys(validMedia).sort());
  let total = 0;
  for (const entry of manifest.entries) {
    expect(Number.isSafeInteger(entry.size) && entry.size >= 0).toBe(true);
    total += entry.size;
    if (entry.hash !== undefined) expect(entry.hash).toMatch(/^[0-9a-f]+$/i);
    const local = localPath(entry.path);
    expect(local.ok).toBe(true);
    if (!local.ok) continue;
    const target = resolve(ROOT, local.name);
    expect(target.startsWith(`${ROOT}/`), `${entry.path} escapes the root`).toBe(true);
    expect(local.name.split('/')).not.toContain('..');
  }
  expect(manifest.bytes).toBe(total);
  expect(manifest.files).toBe(manifest.entries.length);
}

/** A database manifest that parsed must name one object directly under `db/`. */
function checkDbAccepted(text: string): void {
  const result = parseManifest(text);
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    return;
  }
  const { manifest } = result;
  expect(manifest.path).toBe(`db/${manifest.name}`);
  expect(join('db', manifest.name).startsWith('db/')).toBe(true);
  expect(manifest.name).not.toMatch(/[/\\]|^\.\.?$/);
  expect(Number.isSafeInteger(manifest.bytes) && manifest.bytes >= 0).toBe(true);
  expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
}

const mediaKeys = fc.constantFrom(
  ...Object.keys(validMedia),
  'entries.0',
  'entries.0.path',
  'entries.1.path',
  'entries.0.size',
  'entries.0.hash',
  'entries.0.modTime',
  'entries.1.extra',
  '__proto__',
  'constructor',
  'extra',
);
const dbKeys = fc.constantFrom(...Object.keys(validDb), 'rowCounts', '__proto__', 'constructor', 'extra');

describe('manifests under attack, property-based', () => {
  it('the unforged manifests parse (the baseline of every forgery)', () => {
    expect(parseMediaManifest(JSON.stringify(validMedia), 'valid.json').entries).toHaveLength(2);
    expect(parseManifest(JSON.stringify(validDb)).ok).toBe(true);
  });

  it(`a media manifest with one forged field is rejected or stays inside the root (${RUNS} runs, seed ${SEED})`, () => {
    fc.assert(
      fc.property(mediaKeys, hostileValue, (key, value) => {
        checkMediaAccepted(forge(validMedia, key, value));
        expectUnpolluted();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`media entry paths from any string are rejected or stay inside the root (${RUNS} runs)`, () => {
    const pathPiece = fc.constantFrom(
      'a',
      '.',
      '..',
      '/',
      '\uff0e',
      '\uff0f',
      '\u201b',
      '\u240a',
      '\u2400',
      '\\',
      '%2e',
      ' ',
    );
    const forgedPath = fc.oneof(
      fc.array(pathPiece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    fc.assert(
      fc.property(forgedPath, (path) => {
        const text = forge(validMedia, 'entries.1.path', path);
        checkMediaAccepted(text);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`arbitrary JSON is never a crash, for media and database manifests (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 4 }), fc.string({ maxLength: 40 })), (text) => {
        checkMediaAccepted(text);
        checkDbAccepted(text);
        expectUnpolluted();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`a database manifest with one forged field is rejected or names one object under db/ (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(dbKeys, hostileValue, (key, value) => {
        checkDbAccepted(forge(validDb, key, value));
        expectUnpolluted();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('__proto__ keys in the JSON text never pollute a prototype and never survive into a media manifest', () => {
    const text = JSON.stringify(validMedia)
      .replace('{', '{"__proto__":{"polluted":1},')
      .replace('"entries":[{', '"entries":[{"__proto__":{"polluted":1},');
    const manifest = parseMediaManifest(text, 'proto.json');
    expectUnpolluted();
    expect(Object.hasOwn(manifest, '__proto__')).toBe(false);
    expect(Object.hasOwn(manifest.entries[0]!, '__proto__')).toBe(false);
    const db = parseManifest(JSON.stringify(validDb).replace('{', '{"__proto__":{"polluted":1},'));
    expect(db.ok).toBe(true);
    expectUnpolluted();
    if (db.ok) expect((db.manifest as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
