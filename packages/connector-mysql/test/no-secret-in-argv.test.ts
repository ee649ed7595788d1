import { readFile, readlink, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { dumpToBuffer, listDescendants, readCmdline, recordExecs, watchArgv } from '@bk/connector-test-suite';
import { ProcessError } from '@bk/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createMysqlConnector } from '../src/index.js';
import { createFixture, type MysqlFixture } from './helpers/fixture.js';
import { HOST, PORT, snapshotTables } from './helpers/mariadb.js';

const DEFAULTS_ARG = /^--defaults-extra-file=(.+)$/;

/** Waits for a descendant whose argv[0] ends with `binary`, and returns its pid and argv. */
async function waitForProcess(binary: string): Promise<{ pid: number; argv: string[] }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    for (const { pid } of await listDescendants()) {
      const argv = await readCmdline(pid);
      if (argv?.[0]?.endsWith(binary)) return { pid, argv };
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no ${binary} process appeared`);
}

describe('credentials travel in a 0600 defaults file, never in argv (DESIGN invariant 4)', () => {
  const fixtures: MysqlFixture[] = [];
  afterEach(async () => {
    for (const fixture of fixtures.splice(0)) await fixture.cleanup();
  });

  it('a password user over TCP: dump, restore, describe, check, rowCounts never show the password in any argv', async () => {
    const fixture = await createFixture({ large: false });
    fixtures.push(fixture);
    const { connector, password } = fixture;
    expect(connector.secrets).toEqual([password]);
    expect(connector.target).toBe(`mysql://${fixture.user}:***@127.0.0.1:3306/${fixture.database}`);

    const before = await snapshotTables(fixture.database);
    // watchArgv samples /proc (it sees rclone and anything else too, but can miss a short-lived
    // process on a busy machine); the PATH shims of recordExecs log every exec of the tools.
    const recorder = await recordExecs(['mariadb-dump', 'mysqldump', 'mariadb', 'mysql']);
    const watch = watchArgv([password]);
    let report: Awaited<ReturnType<typeof watch.stop>>;
    let execs: string[];
    try {
      await connector.check();
      await connector.describe();
      const dump = await dumpToBuffer(connector);
      await fixture.mutate();
      await connector.restore(Readable.from([dump]));
      await connector.rowCounts();
      await connector.rowCounts({ estimate: true });
      await connector.estimateSize();
    } finally {
      report = await watch.stop();
      execs = await recorder.stop();
    }
    expect(report.leaks).toEqual([]);
    for (const line of execs) expect(line).not.toContain(password);
    // The restore really authenticated as the user and put the data back.
    expect(await snapshotTables(fixture.database)).toEqual(before);

    const tools = execs.filter((line) => /^(mariadb|mysql)(-dump|dump)? /.test(line));
    expect(tools.some((line) => line.includes('mariadb-dump ') || line.includes('mysqldump '))).toBe(true);
    expect(tools.some((line) => /(^|\/)(mariadb|mysql) --defaults-extra-file=/.test(line))).toBe(true);
    for (const line of tools) {
      const [, first] = line.split(' ');
      // `--version` and `--help` runs carry no connection at all; every other run starts with the defaults file.
      if (first !== '--version' && first !== '--help') expect(first).toMatch(DEFAULTS_ARG);
      expect(line).not.toMatch(/ --(user|password|host|port)[= ]/);
    }
    // Every defaults file is gone once its tool has exited (its descriptor closed, or its number
    // reused by something else).
    for (const line of tools) {
      const path = DEFAULTS_ARG.exec(line.split(' ')[1] ?? '')?.[1];
      if (path)
        expect(await readlink(path).catch(() => 'closed'), `${path} still open`).not.toMatch(/my\.cnf/);
    }
  });

  it('the defaults file is 0600 and has no name on disk while the dump runs, holds the login, and is closed after', async () => {
    const fixture = await createFixture({ large: true });
    fixtures.push(fixture);
    const handle = fixture.connector.dump();
    handle.stream.pause(); // hold the dump tool mid-way
    const { pid, argv } = await waitForProcess('mariadb-dump');
    const path = DEFAULTS_ARG.exec(argv[1] ?? '')?.[1];
    expect(path, `first argument is ${argv[1]}`).toBeDefined();
    // bk's own descriptor of a file already unlinked: a SIGKILL leaves nothing on disk.
    expect(path).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    expect(await readlink(path!)).toMatch(/bk-secret-\d+-\w+\/my\.cnf \(deleted\)$/);
    const file = await stat(path!);
    expect(file.mode & 0o777).toBe(0o600);
    const contents = await readFile(path!, 'utf8');
    expect(contents.split('\n')[0]).toBe('[client]');
    expect(contents).toContain(`user="${fixture.user}"`);
    expect(contents).toContain('host="127.0.0.1"');
    expect(contents).toContain('port="3306"');
    expect(contents).toMatch(/^password=".+"$/m);
    // Not in the environment either: no MYSQL_PWD, no password anywhere.
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    expect(environ).not.toContain('MYSQL_PWD');
    expect(environ).not.toContain(fixture.password);

    handle.stream.resume();
    await handle.done;
    expect(await readlink(path!).catch(() => 'closed')).not.toMatch(/my\.cnf/);
  });

  it('a wrong password is a ProcessError with exit code and stderr tail, and no password in it', async () => {
    const fixture = await createFixture({ large: false });
    fixtures.push(fixture);
    const wrong = `${fixture.password}-wrong`;
    const connector = createMysqlConnector({
      host: HOST,
      port: PORT,
      user: fixture.user,
      password: wrong,
      database: fixture.database,
    });
    expect(connector.target).not.toContain(wrong);

    const checked = await connector.check().catch((error: unknown) => error);
    expect(checked).toBeInstanceOf(ProcessError);
    const checkError = checked as ProcessError;
    expect(checkError.exitCode).toBe(1);
    expect(checkError.stderrTail).toContain(`ERROR 1045 (28000): Access denied for user '${fixture.user}'`);
    expect(checkError.message).toBe(
      `mariadb exited 1: ERROR 1045 (28000): Access denied for user '${fixture.user}'@'127.0.0.1' (using password: YES) (mysql://${fixture.user}:***@127.0.0.1:3306/${fixture.database})`,
    );
    expect(checkError.hint).toMatch(/password/);

    const handle = connector.dump();
    handle.stream.resume();
    const dumped = (await handle.done.catch((error: unknown) => error)) as ProcessError;
    expect(dumped).toBeInstanceOf(ProcessError);
    expect(dumped.process).toBe('mariadb-dump');
    expect(dumped.exitCode).toBe(2);
    expect(dumped.stderrTail).toMatch(/Access denied/);

    const restored = (await connector
      .restore(Readable.from(['SELECT 1;\n']))
      .catch((error: unknown) => error)) as ProcessError;
    expect(restored).toBeInstanceOf(ProcessError);
    expect(restored.exitCode).toBe(1);

    for (const error of [checkError, dumped, restored]) {
      for (const text of [error.message, error.stderrTail, String(error.stack), JSON.stringify(error)]) {
        expect(text).not.toContain(wrong);
        expect(text).not.toContain(fixture.password);
      }
    }
  });
});
