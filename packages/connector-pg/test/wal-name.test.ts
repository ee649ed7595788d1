import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Header } from 'tar';
import { afterAll, expect, test } from 'vitest';
import {
  checkWalContinuity,
  extractBaseBackup,
  parseWalFileName,
  quoteConfigValue,
  recoveryConfigLines,
  segmentBeforeLsn,
  segmentName,
  segmentNumber,
  segmentOfLsn,
  walFilesBefore,
} from '../src/index.js';

const MiB = 1024 * 1024;

test('WAL file names: segments, history, backup labels; anything else (paths included) is not one', () => {
  expect(parseWalFileName('000000010000000000000002')).toMatchObject({
    kind: 'segment',
    timeline: '00000001',
  });
  expect(parseWalFileName('00000002.history')).toMatchObject({ kind: 'history', timeline: '00000002' });
  expect(parseWalFileName('000000010000000000000002.00000028.backup')).toMatchObject({ kind: 'backup' });
  for (const bad of [
    '../000000010000000000000002',
    '000000010000000000000002/x',
    '00000001000000000000000g',
    'RECOVERYXLOG',
    '',
  ]) {
    expect(parseWalFileName(bad), bad).toBeUndefined();
  }
});

test('segment arithmetic crosses a log id at 16 MiB and at other wal_segment_size values', () => {
  expect(segmentNumber('0000000100000000000000FF')).toBe(255);
  expect(segmentName(1, 256)).toBe('000000010000000100000000');
  expect(segmentNumber('000000010000000100000000')).toBe(256);
  expect(segmentName(1, 4096, MiB)).toBe('000000010000000100000000');
  expect(segmentName('00000003', 4095, MiB)).toBe('000000030000000000000FFF');
  expect(segmentName(1, 4, 1024 * MiB)).toBe('000000010000000100000000');
  expect(segmentOfLsn('0/2000028', 1)).toBe('000000010000000000000002');
  expect(segmentOfLsn('1/0', 2)).toBe('000000020000000100000000');
  // A backup ending exactly on a boundary needs the segment before it.
  expect(segmentBeforeLsn('0/3000000', 1)).toBe('000000010000000000000002');
  expect(segmentBeforeLsn('0/3000001', 1)).toBe('000000010000000000000003');
  expect(() => segmentName(1, 1, 3 * MiB)).toThrow(/power of two/);
});

test('continuity: gaps are named; other timelines and kinds are ignored; a missing start is a gap', () => {
  const archived = [
    '000000010000000000000002',
    '000000010000000000000003',
    '000000010000000000000006',
    '00000002.history',
    '000000020000000000000004',
  ];
  expect(checkWalContinuity('000000010000000000000002', archived)).toEqual({
    from: '000000010000000000000002',
    newest: '000000010000000000000006',
    gaps: [{ first: '000000010000000000000004', last: '000000010000000000000005', count: 2 }],
  });
  expect(checkWalContinuity('000000010000000000000007', archived).gaps).toEqual([
    { first: '000000010000000000000007', last: '000000010000000000000007', count: 1 },
  ]);
  expect(checkWalContinuity('000000010000000000000001', ['000000010000000000000002']).gaps[0]?.first).toBe(
    '000000010000000000000001',
  );
});

test('retention removes only WAL before the oldest kept start, never history files', () => {
  const archived = [
    '000000010000000000000001',
    '000000010000000000000001.00000028.backup',
    '000000010000000000000002',
    '00000001.history',
    '000000020000000000000001',
  ];
  expect(walFilesBefore('000000010000000000000002', archived)).toEqual([
    '000000010000000000000001',
    '000000010000000000000001.00000028.backup',
    '000000020000000000000001',
  ]);
});

test('recovery settings are quoted for postgresql.conf; an empty target is refused', () => {
  expect(quoteConfigValue("it's a \\ path")).toBe("'it''s a \\\\ path'");
  expect(() => quoteConfigValue('a\nb')).toThrow();
  expect(
    recoveryConfigLines({
      restoreCommand: 'bk %f %p',
      targetTime: '2026-12-08 01:30:00.25+00',
      now: new Date(0),
    }),
  ).toEqual([
    '# bk dbrestore --physical, 1970-01-01T00:00:00.000Z: recover from the WAL archive',
    "restore_command = 'bk %f %p'",
    "recovery_target_timeline = 'latest'",
    "recovery_target_time = '2026-12-08 01:30:00.25+00'",
    "recovery_target_action = 'promote'",
  ]);
  expect(() => recoveryConfigLines({ restoreCommand: 'x', targetTime: '' })).toThrow(/replay everything/);
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function tarEntry(path: string, body: string): Buffer {
  const data = Buffer.from(body);
  const header = new Header({
    path,
    mode: 0o600,
    size: data.length,
    type: 'File',
    mtime: new Date(0),
    uid: 0,
    gid: 0,
  });
  const block = Buffer.alloc(512);
  header.encode(block, 0);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([block, padded]);
}

test('a tar entry that climbs out of the data directory fails the extraction and writes nothing outside', async () => {
  const root = await mkdtemp(join(tmpdir(), 'bk-tar-'));
  dirs.push(root);
  const dataDir = join(root, 'data');
  await mkdir(dataDir);
  for (const evil of ['../evil', '/tmp/../evil-abs', 'base/../../evil2']) {
    const archive = Buffer.concat([tarEntry('PG_VERSION', '15\n'), tarEntry(evil, 'x'), Buffer.alloc(1024)]);
    await expect(extractBaseBackup(Readable.from([archive]), { dir: dataDir })).rejects.toThrow();
    expect(await readdir(root)).toEqual(['data']);
  }
});
