import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  BIN,
  type BkResult,
  bk,
  filesUnder,
  MONGO_STANDIN_BIN,
  mariadb,
  psql,
  tempDir,
  uniqueName,
  writeConfig,
} from './helpers.js';

// Attack class 6 of issue 13, "secrets in odd places": passwords that break URL syntax, ${VAR}
// interpolated into a URL, webhook URLs that carry credentials, and secret files left behind by a
// SIGKILL. Every output channel is searched: stdout, stderr, --json, the run log, the metrics
// file and the bodies (and URLs) of webhook requests received by a local HTTP server.

const token = () => Math.random().toString(36).slice(2, 8);

interface Received {
  url: string;
  authorization: string | undefined;
  body: string;
}

/** A local HTTP server recording every request; paths under /fail answer 500. */
let server: Server;
let port = 0;
const received: Received[] = [];
beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.statusCode = request.url?.startsWith('/fail') ? 500 : 200;
      response.end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** Every place a secret (or a piece of one) would count as leaked. */
function needles(pieces: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const piece of pieces) {
    forms.add(piece);
    forms.add(encodeURIComponent(piece));
    forms.add(JSON.stringify(piece).slice(1, -1));
  }
  return [...forms];
}

function leaksIn(where: string, text: string, pieces: readonly string[]): string[] {
  return needles(pieces)
    .filter((needle) => text.includes(needle))
    .map((needle) => `${where} holds ${JSON.stringify(needle)}: ${text.slice(0, 400)}`);
}

/** Everything bk wrote in `dir` (not the configs), plus the webhook requests received. */
async function outputs(dir: string, result: BkResult, marker: string): Promise<[string, string][]> {
  const all: [string, string][] = [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ];
  for (const file of await filesUnder(dir)) {
    if (file.endsWith('config.json') || !/\.(ndjson|prom|json|log|txt)$/.test(file)) continue;
    all.push([file, await readFile(join(dir, file), 'utf8')]);
  }
  for (const request of received.filter((entry) => entry.url.includes(marker))) {
    all.push([`webhook ${request.url}`, `${request.url}\n${request.body}`]);
  }
  return all;
}

/** The characters that break a URL's user-info when left unencoded, or that must survive it. */
const ODD = ['/', '#', '?', '@', '%', ':', ' ', '+', '%zz'];

type Engine = 'pg' | 'mysql' | 'mongo';
const SCHEME: Record<Engine, string> = { pg: 'postgres', mysql: 'mysql', mongo: 'mongodb' };
const PORT: Record<Engine, number> = { pg: 5432, mysql: 3306, mongo: 27017 };

describe('attack: a password that breaks URL syntax never leaves bk', () => {
  for (const engine of ['pg', 'mysql', 'mongo'] as const) {
    for (const odd of ODD) {
      it.concurrent(`${engine}: unencoded ${JSON.stringify(odd)} in the password`, async () => {
        const dir = await tempDir('bk-odd-url-');
        const head = `Head${token()}${token()}`;
        const tail = `Tail${token()}${token()}`;
        const password = `${head}${odd}${tail}`;
        const marker = `odd-${token()}`;
        const user = uniqueName('bk_odd_user');
        const url = `${SCHEME[engine]}://${user}:${password}@127.0.0.1:${PORT[engine]}/${uniqueName('bk_odd_db')}`;
        await writeConfig(dir, {
          remote: './remote',
          databases: { main: url },
          log: { file: './run.ndjson' },
          metrics: { file: './bk.prom' },
          notify: [{ type: 'webhook', url: `http://127.0.0.1:${port}/${marker}` }],
        });
        const env = { PATH: `${MONGO_STANDIN_BIN}:${process.env.PATH}` };
        const results = [
          await bk(dir, ['dbbackup', '--json'], { env }),
          await bk(dir, ['dbbackup'], { env }),
        ];
        const leaks: string[] = [];
        for (const result of results) {
          expect(result.exitCode, result.stderr).not.toBe(0);
          for (const [where, text] of await outputs(dir, result, marker))
            leaks.push(...leaksIn(where, text, [password, head, tail]));
        }
        expect(leaks).toEqual([]);
      });
    }
  }
});

describe('attack: an environment variable interpolated into a URL', () => {
  it('a MariaDB password with / # ? @ % : space + from the environment authenticates, and leaks nowhere', async () => {
    const dir = await tempDir('bk-odd-var-');
    const database = uniqueName('bk_odd_var');
    const user = uniqueName('bk_odd_var_user');
    const password = `Var${token()}/#?@%:+ %zz${token()}`;
    await mariadb(
      `CREATE DATABASE ${database};
       CREATE USER '${user}'@'%' IDENTIFIED BY '${password.replaceAll("'", "''")}';
       GRANT ALL ON ${database}.* TO '${user}'@'%';`,
    );
    try {
      await mariadb('CREATE TABLE t (a int); INSERT INTO t VALUES (1);', database);
      await writeConfig(dir, {
        remote: './remote',
        databases: { main: `mysql://${user}:\${BK_ODD_PASSWORD}@127.0.0.1:3306/${database}` },
        log: { file: './run.ndjson' },
      });
      const env = { BK_ODD_PASSWORD: password };
      const result = await bk(dir, ['dbbackup', '--json', '--verbose'], { env });
      expect(result.exitCode, result.stderr).toBe(0);
      const leaks: string[] = [];
      for (const [where, text] of await outputs(dir, result, 'none'))
        leaks.push(...leaksIn(where, text, [password]));
      expect(leaks).toEqual([]);
    } finally {
      await mariadb(`DROP DATABASE IF EXISTS ${database}; DROP USER IF EXISTS '${user}'@'%';`);
    }
  });
});

describe('attack: a PostgreSQL server that checks passwords (scram-sha-256)', () => {
  // The shared server trusts 127.0.0.1, so it never reads a password: this scratch cluster does.
  it('a password with / # ? @ % from an environment variable reaches libpq through /proc/<pid>/fd, and a wrong one fails without leaking', async () => {
    const dir = await tempDir('bk-scram-');
    const bindir = (await execa('pg_config', ['--bindir'])).stdout.trim();
    const password = `Scram${token()}/#?@%${token()}`;
    await writeFile(join(dir, 'pw'), `${password}\n`);
    await execa('chown', ['-R', 'postgres', dir]);
    const data = join(dir, 'data');
    await execa('runuser', [
      '-u',
      'postgres',
      '--',
      join(bindir, 'initdb'),
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${join(dir, 'pw')}`,
    ]);
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    await execa('runuser', [
      '-u',
      'postgres',
      '--',
      join(bindir, 'pg_ctl'),
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ]);
    onTestFinished(async () => {
      await execa(
        'runuser',
        ['-u', 'postgres', '--', join(bindir, 'pg_ctl'), '-D', data, '-m', 'immediate', 'stop'],
        { reject: false },
      );
    });
    const work = await tempDir('bk-scram-work-');
    await writeConfig(work, {
      remote: './remote',
      databases: { main: `postgres://postgres:\${BK_SCRAM_PASSWORD}@127.0.0.1:${port}/postgres` },
      log: { file: './run.ndjson' },
    });
    const good = await bk(work, ['dbbackup', '--verbose'], { env: { BK_SCRAM_PASSWORD: password } });
    expect(good.exitCode, good.stderr).toBe(0);
    const wrong = await bk(work, ['dbbackup', '--json'], { env: { BK_SCRAM_PASSWORD: `${password}x` } });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toMatch(/password authentication failed/);
    expect(wrong.stdout).toMatch(/password retrieved from file \\"\/proc\/\d+\/fd\/\d+\\"/);
    const leaks: string[] = [];
    for (const result of [good, wrong])
      for (const [where, text] of await outputs(work, result, 'none'))
        leaks.push(...leaksIn(where, text, [password]));
    expect(leaks).toEqual([]);
  }, 60_000);
});

describe('attack: webhook URLs that carry credentials', () => {
  it('userinfo, query tokens and Slack-style path tokens are never printed, in warnings or --json', async () => {
    const dir = await tempDir('bk-hook-secrets-');
    const marker = `hook${token()}`;
    const hookPassword = `HookPw${token()}${token()}`;
    const queryToken = `QueryTok${token()}${token()}`;
    const accessToken = `Access${token()}${token()}`;
    const signature = `Sig${token()}${token()}`;
    const amz = `Amz${token()}${token()}`;
    const slackToken = `Slk${token()}${token()}`;
    const apiKey = `Key${token()}${token()}`;
    const base = `http://127.0.0.1:${port}`;
    const hooks = [
      `http://hookuser:${hookPassword}@127.0.0.1:${port}/fail/${marker}/userinfo`,
      `${base}/fail/${marker}/q?token=${queryToken}&access_token=${accessToken}`,
      `${base}/fail/${marker}/s?sig=${signature}&X-Amz-Signature=${amz}&key=${apiKey}`,
      `${base}/fail/${marker}/services/T0ABCDEF/B0ABCDEF/${slackToken}`,
    ];
    await writeConfig(dir, {
      remote: './remote',
      databases: { main: { connector: 'sqlite', path: './missing/app.db' } },
      log: { file: './run.ndjson' },
      notify: hooks.map((url) => ({ type: 'webhook', url })),
    });
    const secrets = [hookPassword, queryToken, accessToken, signature, amz, slackToken, apiKey];
    const leaks: string[] = [];
    for (const args of [
      ['dbbackup', '--json'],
      ['dbbackup', '--verbose'],
      ['doctor', '--json'],
    ]) {
      const result = await bk(dir, args);
      for (const [where, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ] as const)
        leaks.push(...leaksIn(`bk ${args.join(' ')} ${where}`, text, secrets));
      if (args[0] === 'dbbackup') expect(result.stderr + result.stdout).toMatch(/notification/);
    }
    leaks.push(...leaksIn('run log', await readFile(join(dir, 'run.ndjson'), 'utf8'), secrets));
    expect(leaks).toEqual([]);
    // The credentials in the userinfo were sent as HTTP basic auth, as a browser would.
    const withUser = received.find((request) => request.url.includes(`${marker}/userinfo`));
    expect(withUser?.authorization).toBe(
      `Basic ${Buffer.from(`hookuser:${hookPassword}`).toString('base64')}`,
    );
  });
});

/** A stand-in dump tool that records its pid and waits, so bk can be killed while it runs. */
async function slowTool(dir: string, name: string): Promise<string> {
  const bin = join(dir, 'slow-bin');
  await mkdir(bin, { recursive: true });
  const file = join(bin, name);
  await writeFile(file, `#!/bin/sh\necho $$ > "${join(dir, `${name}.pid`)}"\nexec sleep 60\n`);
  await chmod(file, 0o755);
  return bin;
}

async function waitFor(file: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const text = (await readFile(file, 'utf8')).trim();
      if (text) return text;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`${file} never appeared`);
}

/** Every file under `dir` that holds `secret`. */
async function filesHolding(dir: string, secret: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const text = await readFile(join(dir, file), 'utf8').catch(() => '');
    if (text.includes(secret)) found.push(file);
  }
  return found;
}

describe('attack: SIGKILL of bk while a dump tool holds the password', () => {
  const cases = [
    {
      engine: 'pg',
      tool: 'pg_dump',
      // 127.0.0.1 is trust here: the password is still handed to pg_dump, which is what is tested.
      setUp: async (database: string, _user: string, _password: string) => {
        await psql('postgres', `CREATE DATABASE ${database}`);
      },
      tearDown: (database: string) => psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
      url: (user: string, password: string, database: string) =>
        `postgres://${user}:${password}@127.0.0.1:5432/${database}`,
      user: 'postgres',
    },
    {
      engine: 'mysql',
      tool: 'mariadb-dump',
      setUp: async (database: string, user: string, password: string) => {
        await mariadb(
          `CREATE DATABASE ${database}; CREATE USER '${user}'@'%' IDENTIFIED BY '${password}';
           GRANT ALL ON ${database}.* TO '${user}'@'%';`,
        );
      },
      tearDown: (database: string, user: string) =>
        mariadb(`DROP DATABASE IF EXISTS ${database}; DROP USER IF EXISTS '${user}'@'%';`),
      url: (user: string, password: string, database: string) =>
        `mysql://${user}:${password}@127.0.0.1:3306/${database}`,
      user: '',
    },
  ] as const;
  for (const { engine, tool, setUp, tearDown, url, user: fixedUser } of cases) {
    it(`${engine}: no file in the temp directory holds the password after kill -9 (${tool} running)`, async () => {
      const dir = await tempDir(`bk-kill-secret-${engine}-`);
      const tmp = join(dir, 'tmp');
      await mkdir(tmp);
      const bin = await slowTool(dir, tool);
      const password = `Kill${token()}${token()}`;
      const database = uniqueName('bk_kill_secret');
      const user = fixedUser || uniqueName('bk_kill_user');
      await setUp(database, user, password);
      onTestFinished(() => tearDown(database, user).then(() => undefined));
      await writeConfig(dir, {
        remote: './remote',
        databases: { main: url(user, password, database) },
        db: { countRows: false },
      });
      const child: ChildProcess = spawn(process.execPath, [BIN, 'dbbackup'], {
        cwd: dir,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, TMPDIR: tmp, NO_COLOR: '1' },
        stdio: 'ignore',
      });
      const exited = new Promise((done) => child.once('exit', done));
      let toolPid = 0;
      try {
        toolPid = Number(await waitFor(join(dir, `${tool}.pid`)));
        // The tool runs: the secret is in use right now.
        child.kill('SIGKILL');
        await exited;
      } finally {
        if (toolPid) process.kill(toolPid, 'SIGKILL');
        child.kill('SIGKILL');
      }
      expect(await filesHolding(tmp, password)).toEqual([]);
    });
  }

  it('a secret file left by a dead bk (older versions, or a kill in the instant it is written) is swept by the next run', async () => {
    const dir = await tempDir('bk-kill-sweep-');
    const tmp = join(dir, 'tmp');
    // A pid that cannot be alive (above pid_max), named the way bk names its secret directories.
    const stale = join(tmp, 'bk-secret-4194999-abcdef');
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, 'pgpass'), '*:*:*:*:stale-password\n', { mode: 0o600 });
    const foreign = join(tmp, 'not-bk-secret');
    await mkdir(foreign);
    const db = join(dir, 'app.db');
    await writeConfig(dir, { remote: './remote', databases: { main: `sqlite:${db}` } });
    const { DatabaseSync } = await import('node:sqlite');
    new DatabaseSync(db).close();
    const result = await bk(dir, ['dbbackup'], { env: { TMPDIR: tmp } });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(foreign)).toBe(true);
  });
});
