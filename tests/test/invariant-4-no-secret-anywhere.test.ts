import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { type ExecRecorder, recordExecs } from '@bk/connector-test-suite';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BkResult, bk, filesUnder, mariadb, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

// Invariant 4: no secret in any process's argv, in an error message, or in a log line.
// Every command runs for every engine with a password set, while /proc/*/cmdline of ALL processes
// is polled and recording shims first on PATH log every exec of every tool; then every stdout and
// stderr line, the run log, the metrics file and the manifests are searched for each secret.

const here = dirname(fileURLToPath(import.meta.url));
const MONGO_STANDIN_BIN = resolve(here, '../../packages/connector-mongo/test/fixtures/bin');
const TOOLS = [
  'rclone',
  'sqlite3',
  'pg_dump',
  'pg_restore',
  'psql',
  'mariadb-dump',
  'mysqldump',
  'mariadb',
  'mysql',
  'mongodump',
  'mongorestore',
];

// Odd characters on purpose: URL-reserved (@ : / % ? # &), quotes, shell and option-file syntax.
const token = () => Math.random().toString(36).slice(2, 8);
const MY_PASSWORD = `My#s3c:r@t/p%w&q'z"!${token()}`;
const PG_PASSWORD = `Pg#s3c:r@t/p%w&q'z?${token()}`;
const MONGO_PASSWORD = `Mo#s3c:r@t/p%w&q'z=${token()}`;
const CRYPT_PASSWORD = `Cr#s3c:r@t/p%w&q'z ${token()}`;
/** Every secret of this file: each output is searched for all of them (the obscured one added later). */
const SECRETS = [MY_PASSWORD, PG_PASSWORD, MONGO_PASSWORD, CRYPT_PASSWORD];

const pgRole = uniqueName('bk_sec_pg');
const pgNames = [uniqueName('bk_sec_pg_db'), uniqueName('bk_sec_pg_scratch')] as const;
const myUser = uniqueName('bk_sec_my');
const myNames = [uniqueName('bk_sec_my_db'), uniqueName('bk_sec_my_scratch')] as const;
afterAll(async () => {
  for (const name of pgNames) await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await psql('postgres', `DROP ROLE IF EXISTS ${pgRole}`);
  for (const name of myNames) await mariadb(`DROP DATABASE IF EXISTS ${name}`);
  await mariadb(`DROP USER IF EXISTS '${myUser}'@'%'`);
});

/** Polls /proc/<pid>/cmdline of every process on the machine until stopped. */
function pollAllCmdlines(intervalMs = 5) {
  const seen = new Set<string>();
  let running = true;
  let scans = 0;
  const scan = async () => {
    const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
    await Promise.all(
      pids.map(async (pid) => {
        try {
          const raw = await readFile(`/proc/${pid}/cmdline`);
          if (raw.length > 0) seen.add(raw.toString('utf8').replace(/\0$/, '').replaceAll('\0', ' '));
        } catch {
          // exited while we looked
        }
      }),
    );
    scans++;
  };
  const loop = (async () => {
    while (running) {
      await scan();
      await new Promise((done) => setTimeout(done, intervalMs));
    }
    await scan();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { commands: [...seen], scans };
    },
  };
}

/** Every form of `secret` that would count as a leak. */
function needles(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURI(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...forms];
}

/** The places `text` holds a secret, secrets masked, for a readable failure. */
function leaksIn(where: string, text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const needle of needles(secrets)) {
    const index = text.indexOf(needle);
    if (index >= 0) {
      const around = text.slice(Math.max(0, index - 80), index + needle.length + 80);
      found.push(`${where}: ...${around.split(needle).join('***')}...`);
    }
  }
  return found;
}

interface Engine {
  /** Config for the good database (`default`) and a bad one (`bad`: a wrong database name). */
  databases: Record<string, unknown>;
  /** A scratch URL for `dbrestore --to` (without a password: it would be in bk's own argv). */
  scratch: string;
  /** Good commands expected to fail for this engine (joined by spaces). @default [] */
  unsupported?: string[];
  /** The remote (a local directory, or a crypt remote given by env). */
  remote: string;
  /** Environment for bk. */
  env?: Record<string, string>;
}

/**
 * Every command, each run once; --json and --verbose spread over them so each output path runs
 * (both flags together where a command has both a JSON and a human form worth covering).
 */
function commands(scratch: string): string[][] {
  return [
    ['dbbackup', '--verbose'],
    ['dbbackup', '--clean', '--json'],
    ['listbackups'],
    ['listbackups', '--json', '--verbose'],
    ['verify', '--json', '--verbose'],
    ['dbrestore', '--noinput', '--verbose'],
    ['dbrestore', '--to', scratch, '--check', '--noinput', '--json', '--verbose'],
    ['cleanup', '--verbose'],
    ['doctor', '--json', '--verbose'],
  ];
}

/** The failing runs: `bad` names a database that does not exist (same credentials). */
const failing = [
  ['dbbackup', '-d', 'bad', '--verbose'],
  ['dbbackup', '-d', 'bad', '--json'],
  ['doctor', '--verbose'],
];

async function runAll(engine: Engine) {
  const dir = await tempDir('bk-secrets-');
  const base = {
    remote: engine.remote,
    db: { keep: { last: 2 } },
    log: { file: './run.ndjson' },
    metrics: { file: './bk.prom' },
  };
  await writeConfig(dir, { ...base, databases: { default: engine.databases.default } });
  await writeFile(join(dir, 'both.config.json'), JSON.stringify({ ...base, databases: engine.databases }));

  const runs: [string[], BkResult][] = [];
  for (const args of commands(engine.scratch)) runs.push([args, await bk(dir, args, { env: engine.env })]);
  for (const args of failing) {
    const withConfig = ['--config', 'both.config.json', ...args];
    runs.push([withConfig, await bk(dir, withConfig, { env: engine.env })]);
  }

  const leaks: string[] = [];
  for (const [args, result] of runs) {
    const name = `bk ${args.join(' ')}`;
    leaks.push(...leaksIn(`${name} stdout`, result.stdout, SECRETS));
    leaks.push(...leaksIn(`${name} stderr`, result.stderr, SECRETS));
  }
  // Everything bk wrote: run log, metrics, and (on a plain remote) the manifests; not the configs.
  for (const file of await filesUnder(dir)) {
    if (file.endsWith('config.json') || !/\.(ndjson|prom|json|log|txt)$/.test(file)) continue;
    leaks.push(...leaksIn(file, await readFile(join(dir, file), 'utf8'), SECRETS));
  }
  expect(leaks).toEqual([]);

  // The runs did what they should, so the scan covered real work (and real failures).
  const good = runs.filter(([args]) => args[0] !== '--config');
  const failed = good.filter(([, result]) => result.exitCode !== 0);
  expect(
    failed.map(([args, result]) => `${args.join(' ')}: ${result.stderr}`),
    'every command with the good database succeeds',
  ).toHaveLength((engine.unsupported ?? []).length);
  for (const [args] of failed) expect(engine.unsupported).toContain(args.join(' '));
  for (const [args, result] of runs.filter(([args]) => args[0] === '--config')) {
    expect(result.exitCode, `bk ${args.join(' ')} fails`).not.toBe(0);
  }
  const listed = good.find(([args]) => args[0] === 'listbackups' && args.includes('--json'))?.[1];
  expect(JSON.parse(listed?.stdout ?? '[]').length).toBeGreaterThan(0);
  expect(existsSync(join(dir, 'run.ndjson'))).toBe(true);
  expect(existsSync(join(dir, 'bk.prom'))).toBe(true);
  return { dir, runs };
}

/** Four engines at once on a busy 2-core machine: ~12 bk runs each. */
const TIMEOUT = 300_000;

// One watch for the whole file: the shims and the poller see every engine's runs (they run at once).
let recorder: ExecRecorder;
let poller: ReturnType<typeof pollAllCmdlines>;
let obscured = '';
let mongoStandin = '';
const originalPath = process.env.PATH;
beforeAll(async () => {
  // Obscured through stdin: the plain password never reaches any argv, ours included.
  obscured = (await execa('rclone', ['obscure', '-'], { input: CRYPT_PASSWORD })).stdout.trim();
  SECRETS.push(obscured);
  mongoStandin = await tempDir('bk-secrets-mongo-');
  // The Mongo stand-ins go on PATH before the shims, so the shims wrap them.
  process.env.PATH = `${MONGO_STANDIN_BIN}:${originalPath}`;
  recorder = await recordExecs(TOOLS);
  poller = pollAllCmdlines();
});
let watching = true;
afterAll(async () => {
  if (watching) await Promise.all([poller?.stop(), recorder?.stop()]);
  process.env.PATH = originalPath;
});

describe('invariant 4: no secret in argv, messages, logs, metrics or JSON output', () => {
  it.concurrent(
    'SQLite on a crypt remote given by env (obscured password)',
    async () => {
      const dir = await tempDir('bk-secrets-sqlite-');
      const file = join(dir, 'app.db');
      const db = new DatabaseSync(file);
      db.exec("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y');");
      db.close();
      const remoteName = `BKSEC${token().toUpperCase()}`;
      await runAll({
        databases: { default: `sqlite:${file}`, bad: `sqlite:${join(dir, 'nope', 'missing.db')}` },
        scratch: `sqlite:${join(dir, 'scratch.db')}`,
        remote: `${remoteName.toLowerCase()}:app`,
        env: {
          [`RCLONE_CONFIG_${remoteName}_TYPE`]: 'crypt',
          [`RCLONE_CONFIG_${remoteName}_REMOTE`]: join(dir, 'encrypted'),
          [`RCLONE_CONFIG_${remoteName}_PASSWORD`]: obscured,
        },
      });
      expect((await filesUnder(join(dir, 'encrypted'))).length).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it.concurrent(
    'PostgreSQL with a role that has a password (in the URL)',
    async () => {
      const [live, scratch] = pgNames;
      await psql('postgres', `CREATE ROLE ${pgRole} LOGIN PASSWORD '${PG_PASSWORD.replaceAll("'", "''")}'`);
      await psql('postgres', `CREATE DATABASE ${live} OWNER ${pgRole}`);
      await psql('postgres', `CREATE DATABASE ${scratch} OWNER ${pgRole}`);
      await psql(live, `SET ROLE ${pgRole}; CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x');`);
      const url = (database: string) =>
        `postgres://${pgRole}:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:5432/${database}`;
      await runAll({
        databases: { default: url(live), bad: url(uniqueName('bk_sec_missing')) },
        // 127.0.0.1 is trust here: a password in --to would sit in bk's own argv.
        scratch: `postgres://${pgRole}@127.0.0.1:5432/${scratch}`,
        remote: './remote',
      });
    },
    TIMEOUT,
  );

  it.concurrent(
    'MariaDB with a user that has a real password, over TCP',
    async () => {
      const [live, scratch] = myNames;
      await mariadb(
        `CREATE DATABASE ${live}; CREATE DATABASE ${scratch};
       CREATE USER '${myUser}'@'%' IDENTIFIED BY '${MY_PASSWORD.replaceAll('\\', '\\\\').replaceAll("'", "''")}';
       GRANT ALL ON ${live}.* TO '${myUser}'@'%'; GRANT ALL ON ${scratch}.* TO '${myUser}'@'%';`,
      );
      await mariadb("CREATE TABLE t (a int, b text); INSERT INTO t VALUES (1, 'x');", live);
      // The password is checked: a wrong one is refused, so the runs below really authenticate.
      const login = (password: string) =>
        execa('mariadb', ['-h', '127.0.0.1', '-P', '3306', '-u', myUser, '-e', 'SELECT 1'], {
          reject: false,
          env: { MYSQL_PWD: password },
        });
      expect((await login('wrong')).exitCode).not.toBe(0);
      expect((await login(MY_PASSWORD)).exitCode).toBe(0);
      const url = (database: string) =>
        `mysql://${myUser}:${encodeURIComponent(MY_PASSWORD)}@127.0.0.1:3306/${database}`;
      await runAll({
        databases: { default: url(live), bad: url(uniqueName('bk_sec_missing')) },
        // Root has no password here; a password in --to would sit in bk's own argv.
        scratch: `mysql://root@127.0.0.1:3306/${scratch}`,
        remote: './remote',
      });
    },
    TIMEOUT,
  );

  it.concurrent(
    'MongoDB (stand-in tools) with a scoped user',
    async () => {
      const database = uniqueName('bk_sec_mongo');
      const user = uniqueName('bk_sec_user');
      await writeFile(
        join(mongoStandin, 'server.json'),
        JSON.stringify({
          version: '7.0.14',
          host: '127.0.0.1',
          port: 27017,
          auth: true,
          users: [
            { user, password: MONGO_PASSWORD, db: 'admin', roles: [{ role: 'readWrite', db: database }] },
          ],
        }),
      );
      await mkdir(join(mongoStandin, 'data', database), { recursive: true });
      await writeFile(
        join(mongoStandin, 'data', database, 'items.json'),
        JSON.stringify([{ _id: 1, name: 'ada' }]),
      );
      const url = (name: string) =>
        `mongodb://${user}:${encodeURIComponent(MONGO_PASSWORD)}@127.0.0.1:27017/${name}?authSource=admin`;
      const scratch = `mongodb://127.0.0.1:27017/${uniqueName('bk_sec_scratch')}`;
      const { runs } = await runAll({
        databases: { default: url(database), bad: url(uniqueName('bk_sec_missing')) },
        scratch,
        // mongo cannot count rows: the drill's --check is refused (exit 2), after the config is read.
        unsupported: [`dbrestore --to ${scratch} --check --noinput --json --verbose`],
        remote: './remote',
        env: { BK_MONGO_STANDIN_DIR: mongoStandin },
      });
      const bad = runs.find(([args]) =>
        args.join(' ').startsWith('--config both.config.json dbbackup -d bad'),
      )?.[1];
      expect(bad?.stderr).toMatch(/not authorized|Unauthorized/);
    },
    TIMEOUT,
  );
});

describe('invariant 4: argv of every process, and every exec of every tool', () => {
  it('no password in any /proc/*/cmdline seen while the runs above ran, nor in any recorded exec', async () => {
    // The watch can fail: a canary in a short-lived process's argv is seen by both.
    const canary = `canary-${token()}`;
    await execa('sh', ['-c', 'sleep 0.2', canary]);
    await execa('rclone', ['version', '--config', canary], { reject: false });
    watching = false;
    const execs = await recorder.stop();
    const polled = await poller.stop();
    process.env.PATH = originalPath;
    const leaks = [
      ...execs.flatMap((line) => leaksIn('exec', line, SECRETS)),
      ...polled.commands.flatMap((line) => leaksIn('/proc cmdline', line, SECRETS)),
    ];
    expect(leaks).toEqual([]);
    expect(polled.commands.some((line) => line.includes(canary))).toBe(true);
    expect(execs.some((line) => line.startsWith('rclone ') && line.includes(canary))).toBe(true);
    // The watch saw real work: each engine's tools, and thousands of /proc scans.
    const ran = (pattern: RegExp) => execs.some((line) => pattern.test(line));
    for (const pattern of [/^rclone /, /^sqlite3 /, /^pg_dump /, /^(mariadb-dump|mysqldump) /, /^mongodump /])
      expect(ran(pattern), String(pattern)).toBe(true);
    expect(polled.scans).toBeGreaterThan(100);
    expect(polled.commands.some((line) => / dbbackup/.test(line))).toBe(true);
  });
});
