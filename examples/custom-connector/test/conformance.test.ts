import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectorFactory, connectorTestSuite } from '@bk/connector-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TarDirConnector } from '../src/index.js';

/** A fresh directory per test: a few small files, or ~10 MB of them for the abort tests. */
const factory: ConnectorFactory = {
  async create({ large }) {
    const root = await mkdtemp(join(tmpdir(), 'bk-tar-dir-'));
    const dir = join(root, 'data');
    await mkdir(join(dir, 'nested'), { recursive: true });
    await writeFile(join(dir, 'hello.txt'), 'héllo ✓\n');
    await writeFile(join(dir, 'nested', 'blob.bin'), randomBytes(large ? 10 * 1024 * 1024 : 1024));
    const snapshot = async () => {
      const files: Record<string, unknown> = {};
      for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      )) {
        const path = join(entry.parentPath, entry.name);
        files[path.slice(dir.length + 1)] = (await readFile(path)).toString('base64').slice(0, 64);
      }
      return Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
    };
    return {
      connector: new TarDirConnector({ dir }),
      snapshot,
      mutate: () => writeFile(join(dir, 'hello.txt'), 'changed\n'),
      clear: async () => {
        for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true });
      },
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
  missingDatabase: () =>
    new TarDirConnector({ dir: join(tmpdir(), `bk-tar-dir-missing-${randomBytes(4).toString('hex')}`) }),
};

connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, factory, {
  name: 'tar-dir connector conformance',
  programs: ['tar'],
  capabilities: {
    atomicRestore: true,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: false,
    sizeEstimate: true,
  },
  password: false,
  serverVersion: false,
});
