import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMysqlConnector } from '../src/index.js';

/**
 * Oracle's tools are not installable here, so a stand-in `mysqldump` answers `--version` like
 * MySQL 8.0's and otherwise records its argv and the defaults file it was given, then prints SQL.
 */
const STAND_IN = `#!/bin/sh
if [ "$1" = "--version" ]; then
  echo "mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)"
  exit 0
fi
printf '%s\\n' "$@" > "$BK_STAND_IN_LOG.args"
cat "\${1#--defaults-extra-file=}" > "$BK_STAND_IN_LOG.cnf"
echo "-- stand-in dump"
`;

describe('with MySQL (Oracle) client tools', () => {
  let dir: string;
  let log: string;
  let tool: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bk-mysql-tools-'));
    log = join(dir, 'log');
    tool = join(dir, 'mysqldump');
    await writeFile(tool, STAND_IN);
    await chmod(tool, 0o755);
    process.env.BK_STAND_IN_LOG = log;
  });
  afterEach(async () => {
    delete process.env.BK_STAND_IN_LOG;
    await rm(dir, { recursive: true, force: true });
  });

  it('adds --set-gtid-purged=OFF and --column-statistics=0, and writes ssl-mode to the defaults file', async () => {
    const connector = createMysqlConnector({
      url: 'mysql://app:s3cr%23t@db.example:3307/shop?ssl-mode=VERIFY_CA&ssl-ca=/etc/ca.pem',
      dumpBinary: tool,
      excludeTables: ['sessions'],
      dumpArgs: ['--skip-extended-insert'],
    });
    const dump = await dumpToBuffer(connector);
    expect(dump.toString()).toBe('-- stand-in dump\n');
    const args = (await readFile(`${log}.args`, 'utf8')).trim().split('\n');
    // The secret file is unlinked at once and handed over as a descriptor of bk (/proc/<pid>/fd/<n>).
    expect(args[0]).toMatch(/^--defaults-extra-file=\/proc\/\d+\/fd\/\d+$/);
    expect(args.slice(1)).toEqual([
      '--single-transaction',
      '--quick',
      '--routines',
      '--events',
      '--triggers',
      '--hex-blob',
      '--no-tablespaces',
      '--default-character-set=utf8mb4',
      '--set-gtid-purged=OFF',
      '--column-statistics=0',
      '--ignore-table=shop.sessions',
      '--skip-extended-insert',
      'shop',
    ]);
    expect(await readFile(`${log}.cnf`, 'utf8')).toBe(
      '[client]\nuser="app"\npassword="s3cr#t"\nhost="db.example"\nport="3307"\nssl-mode="VERIFY_CA"\nssl-ca="/etc/ca.pem"\n',
    );
  });
});
