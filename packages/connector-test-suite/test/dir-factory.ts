import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorFactory } from '../src/index.js';
import { DirConnector } from './dir-connector.js';

const PASSWORD = 'dir-pässwörd s3cret';

/** The factory a third party would write: a fresh seeded database per test, and a missing one. */
export function dirFactory(
  variant: { leakPassword?: boolean; textIdentity?: boolean } = {},
): ConnectorFactory {
  return {
    async create(options) {
      const root = await mkdtemp(join(tmpdir(), 'bk-suite-'));
      const dir = join(root, 'db');
      await mkdir(dir);
      const users = Array.from({ length: options.large ? 150_000 : 5 }, (_, id) => [
        id,
        `user ${id} ✓`,
        'x'.repeat(50),
      ]);
      await writeFile(join(dir, 'users.json'), JSON.stringify(users));
      await writeFile(join(dir, 'audit.json'), JSON.stringify([['created']]));
      const connector = new DirConnector(dir, {
        password: PASSWORD,
        excludeTables: options.excludeTables,
        leakPassword: variant.leakPassword,
        textIdentity: variant.textIdentity,
      });
      return {
        connector,
        password: PASSWORD,
        expectedRowCounts: { audit: 1, users: users.length },
        async snapshot() {
          const tables: Record<string, unknown> = {};
          for (const file of (await readdir(dir)).sort()) {
            tables[file.replace(/\.json$/, '')] = JSON.parse(await readFile(join(dir, file), 'utf8'));
          }
          return tables;
        },
        async mutate() {
          await writeFile(join(dir, 'audit.json'), JSON.stringify([['created'], ['mutated']]));
        },
        async otherSpelling() {
          const link = join(root, 'link');
          await symlink(dir, link).catch(() => {});
          return new DirConnector(link, { password: PASSWORD, textIdentity: variant.textIdentity });
        },
        async clear() {
          for (const file of await readdir(dir)) await rm(join(dir, file));
        },
        cleanup: () => rm(root, { recursive: true, force: true }),
      };
    },
    missingDatabase() {
      return new DirConnector(join(tmpdir(), `bk-suite-missing-${process.pid}-${Date.now()}`), {
        password: PASSWORD,
      });
    },
    badCredentials() {
      // A directory we may not read stands in for a rejected login.
      return new DirConnector('/proc/1/root/does-not-exist', { password: PASSWORD });
    },
  };
}
