import { readFile, readlink, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { dumpToBuffer, listDescendants, readCmdline, watchArgv } from '@bk/connector-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector, type PgConnector } from '../src/index.js';
import { createDatabase, createRole, dropDatabase, dropRole, sql } from './pg-helpers.js';

const PASSWORD = 'Sup3r:secret\\pw@/%';
let role: string;
let database: string;
let connector: PgConnector;

beforeAll(async () => {
  role = await createRole(PASSWORD);
  database = await createDatabase(role);
  await sql(
    database,
    `create table payload (id int primary key, body text);
     insert into payload select g, md5(g::text) || md5((g * 3)::text) from generate_series(1, 150000) g;`,
    role,
  );
  connector = createPgConnector(
    `postgres://${role}:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/${database}`,
  );
});

afterAll(async () => {
  await dropDatabase(database);
  await dropRole(role);
});

async function findChild(program: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    for (const { pid } of await listDescendants()) {
      const argv = await readCmdline(pid);
      if (argv?.[0]?.endsWith(`/${program}`) || argv?.[0] === program) return pid;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no ${program} child process found`);
}

async function environOf(pid: number): Promise<Map<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, 'utf8');
  return new Map(
    raw.split('\0').map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
  );
}

describe('PgConnector secrets', () => {
  it('hands pg_dump the password in a 0600 PGPASSFILE that has no name on disk, never argv or PGPASSWORD, and closes it afterwards', async () => {
    const handle = connector.dump();
    await new Promise<void>((resolve) => {
      handle.stream.once('data', () => {
        handle.stream.pause(); // pg_dump now blocks on the full pipe, still running
        resolve();
      });
    });
    const pid = await findChild('pg_dump');
    const argv = (await readCmdline(pid)) ?? [];
    expect(argv.join(' ')).not.toContain(PASSWORD);
    expect(argv.join(' ')).not.toContain(encodeURIComponent(PASSWORD));
    const env = await environOf(pid);
    expect(env.has('PGPASSWORD')).toBe(false);
    const passfile = env.get('PGPASSFILE') as string;
    // bk's own open descriptor of a file already unlinked: a SIGKILL leaves nothing on disk.
    expect(passfile).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    expect(await readlink(passfile)).toMatch(/bk-secret-\d+-\w+\/pgpass \(deleted\)$/);
    expect((await stat(passfile)).mode & 0o777).toBe(0o600);
    expect(await readFile(passfile, 'utf8')).toBe('*:*:*:*:Sup3r\\:secret\\\\pw@/%\n');
    handle.stream.resume();
    await handle.done;
    // Closed: the descriptor is gone (or its number reused for something else).
    expect(await readlink(passfile).catch(() => 'closed')).not.toMatch(/pgpass/);
  });

  it('never puts the password in any argv across check, describe, dump, restore, rowCounts, estimateSize', async () => {
    const watch = watchArgv([PASSWORD]);
    let report: Awaited<ReturnType<typeof watch.stop>>;
    try {
      await connector.check();
      await connector.describe();
      const dump = await dumpToBuffer(connector);
      await connector.restore(Readable.from([dump]));
      await connector.rowCounts();
      await connector.estimateSize();
    } finally {
      report = await watch.stop();
    }
    expect(report.leaks).toEqual([]);
    const programs = report.commands.map((command) => command.split(' ')[0]?.split('/').pop());
    expect(programs).toEqual(expect.arrayContaining(['psql', 'pg_dump', 'pg_restore']));
  });

  it('keeps the password out of error messages and the target', async () => {
    const missing = createPgConnector(
      `postgres://${role}:${encodeURIComponent(PASSWORD)}@127.0.0.1:5432/bk_pg_does_not_exist`,
    );
    const error = (await missing.check().catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain('bk_pg_does_not_exist');
    expect(error.message).not.toContain(PASSWORD);
    expect(error.message).not.toContain(encodeURIComponent(PASSWORD));
    expect(missing.target).toBe(`postgres://${role}:***@127.0.0.1:5432/bk_pg_does_not_exist`);
    expect(missing.secrets).toEqual([PASSWORD]);
  });
});
