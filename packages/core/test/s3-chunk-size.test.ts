import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  backupDatabase,
  RcloneStorage,
  S3_DEFAULT_CHUNK_BYTES,
  S3_MAX_PARTS,
  s3ChunkSize,
} from '../src/index.js';
import { at, dataFile, tempDir } from './helpers/fixtures.js';
import { createTestConnector } from './helpers/test-connector.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('s3ChunkSize', () => {
  it('the 5 MiB default caps a stream at 10,000 parts = 48.8 GiB', () => {
    expect(S3_DEFAULT_CHUNK_BYTES).toBe(5 * MiB);
    expect(S3_MAX_PARTS).toBe(10_000);
    expect((S3_DEFAULT_CHUNK_BYTES * S3_MAX_PARTS) / GiB).toBeCloseTo(48.83, 2);
  });

  it('nothing known or nothing needed: no flag', () => {
    for (const estimate of [undefined, 0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1, 10 * GiB]) {
      expect(s3ChunkSize(estimate), String(estimate)).toBeUndefined();
    }
  });

  it('room for twice the estimate: the default holds up to half the cap', () => {
    const half = (S3_DEFAULT_CHUNK_BYTES * S3_MAX_PARTS) / 2; // 24.4 GiB
    expect(s3ChunkSize(half)).toBeUndefined();
    expect(s3ChunkSize(half + 1)).toBe('6M'); // 5 MiB + a byte, rounded up to whole MiB
  });

  it('raises the chunk so 10,000 parts hold twice the estimate, rounded up to whole MiB', () => {
    // 100 GiB: 200 GiB / 10,000 = 20.48 MiB -> 21M; 21 MiB × 10,000 = 205 GiB >= 200 GiB.
    expect(s3ChunkSize(100 * GiB)).toBe('21M');
    for (const estimate of [30 * GiB, 48.8 * GiB, 100 * GiB, 1024 * GiB, 10_000 * GiB]) {
      const chunk = Number(s3ChunkSize(estimate)?.slice(0, -1)) * MiB;
      expect(chunk * S3_MAX_PARTS, String(estimate)).toBeGreaterThanOrEqual(2 * estimate);
      expect((chunk - MiB) * S3_MAX_PARTS, String(estimate)).toBeLessThan(2 * estimate);
    }
  });

  it('never above S3’s 5 GiB part limit', () => {
    expect(s3ChunkSize(1e15)).toBe('5120M');
    expect(s3ChunkSize(25_000 * GiB)).toBe('5120M');
  });
});

describe('backupDatabase and the size estimate', () => {
  it("passes the connector's estimate to the upload, which raises --s3-chunk-size from it", async () => {
    const dir = tempDir();
    const seen: unknown[] = [];
    const commands: string[] = [];
    class Recording extends RcloneStorage {
      override put(path: string, input: Readable, options: Parameters<RcloneStorage['put']>[2] = {}) {
        seen.push(options.estimatedBytes);
        return super.put(path, input, options);
      }
    }
    const storage = new Recording({
      remote: join(dir, 'remote'),
      rclone: { onCommand: (command) => commands.push(command) },
    });
    const base = createTestConnector({ dataFile: dataFile(dir, 100).path, target: join(dir, 't') });
    const connector = {
      ...base,
      capabilities: { ...base.capabilities, sizeEstimate: true },
      estimateSize: async () => 100 * GiB,
    };
    await backupDatabase({ storage, connector, database: 'main', now: at('2026-01-01T00:00:00Z') });
    expect(seen).toEqual([100 * GiB]);
    expect(commands.find((command) => command.includes(' rcat '))).toContain('--s3-chunk-size 21M');
  });
});
