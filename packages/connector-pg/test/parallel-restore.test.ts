import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupDatabase, ConfigError, createStorage, IntegrityError } from '@bk/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector, type PgConnector, planParallelRestore, restorePgParallel } from '../src/index.js';
import { contentOf, createDatabase, dropDatabase, sql } from './pg-helpers.js';

let database: string;
let remote: string;
let connector: PgConnector;

/** Databases whose name starts with `database` (the target plus any scratch or old copy left). */
async function namesLike(prefix: string): Promise<string[]> {
  const names = await sql(
    'postgres',
    `select datname from pg_database where datname like '${prefix}%' order by 1`,
  );
  return names.split('\n').filter(Boolean);
}

beforeAll(async () => {
  database = await createDatabase();
  remote = await mkdtemp(join(tmpdir(), 'bk-pg-parallel-'));
  await sql(
    database,
    `create schema shop;
     create table shop.customers (id int primary key, name text unique, email text);
     create table shop.orders (id bigserial primary key, customer int not null references shop.customers(id),
       total numeric(12, 2) check (total >= 0), placed timestamptz default now());
     create table shop.lines (order_id bigint references shop.orders(id), sku text, qty int);
     create index lines_sku on shop.lines(sku);
     create table public.notes (id serial primary key, body text);
     insert into shop.customers select g, 'c' || g, 'c' || g || '@x' from generate_series(1, 2000) g;
     insert into shop.orders (customer, total) select 1 + g % 2000, g / 10.0 from generate_series(1, 30000) g;
     insert into shop.lines select 1 + g % 30000, 'sku-' || (g % 97), g % 5 from generate_series(1, 60000) g;
     insert into public.notes (body) select md5(g::text) from generate_series(1, 500) g;
     create view shop.big_orders as select * from shop.orders where total > 100;
     create function shop.touch() returns trigger language plpgsql as $$ begin new.placed = now(); return new; end $$;
     create trigger orders_touch before update on shop.orders for each row execute function shop.touch();
     select lo_from_bytea(0, convert_to(repeat('blob ', 1000), 'UTF8'));`,
  );
  connector = createPgConnector(`postgres://postgres@127.0.0.1:5432/${database}`, {
    compressionLevel: 0,
    parallelRestore: 3,
  });
});

afterAll(async () => {
  for (const name of await namesLike(database)) await dropDatabase(name);
  await rm(remote, { recursive: true, force: true });
});

describe('restorePgParallel', () => {
  it('round trip: restores every object through 3 sessions and swaps the target in', async () => {
    const storage = createStorage(remote);
    const original = await contentOf(database);
    const { backup } = await backupDatabase({ storage, connector, database: 'default' });
    await sql(
      database,
      `delete from shop.lines where qty = 0; update shop.customers set name = name || '!';
       create table public.extra (id int); select setval('shop.orders_id_seq', 99999);`,
    );
    expect(await contentOf(database)).not.toEqual(original);

    const result = await restorePgParallel({ storage, connector, database: 'default' });
    expect(result.jobs).toBe(3);
    expect(result.reads).toBe(3);
    expect(result.bytes).toBe(backup.bytes);
    expect(await contentOf(database)).toEqual(original);
    // Constraints came back: the foreign key and the check still refuse bad rows.
    await expect(sql(database, 'insert into shop.orders (customer, total) values (-5, 1)')).rejects.toThrow(
      /foreign key/,
    );
    await expect(sql(database, 'insert into shop.orders (customer, total) values (1, -1)')).rejects.toThrow(
      /check constraint/,
    );
    expect(await sql(database, "select count(*) from pg_indexes where indexname = 'lines_sku'")).toBe('1');
    // Nothing left behind: no scratch or old database.
    expect(await namesLike(database)).toEqual([database]);
  });

  it('a corrupted backup fails with IntegrityError and leaves the target unchanged', async () => {
    const storage = createStorage(remote);
    const { backup } = await backupDatabase({ storage, connector, database: 'default' });
    const object = join(remote, backup.path);
    const bytes = await readFile(object);
    // Flip one byte well inside the row data: pg_restore would happily load it.
    const at = Math.floor(bytes.length * 0.6);
    bytes[at] = (bytes[at] as number) ^ 0x01;
    await writeFile(object, bytes);
    await sql(database, "insert into public.notes (body) values ('changed after the backup')");
    const before = await contentOf(database);

    const inputPath = backup.name;
    await expect(
      restorePgParallel({ storage, connector, database: 'default', jobs: 2, inputPath }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await contentOf(database)).toEqual(before);
    expect(await namesLike(database)).toEqual([database]);

    // Truncated (named explicitly: "latest" would skip it and pick the intact earlier backup).
    await writeFile(object, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(
      restorePgParallel({ storage, connector, database: 'default', jobs: 2, inputPath }),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(await contentOf(database)).toEqual(before);
    expect(await namesLike(database)).toEqual([database]);
  });

  it('refuses options it cannot honour', async () => {
    const storage = createStorage(remote);
    const selective = createPgConnector(`postgres://postgres@127.0.0.1:5432/${database}`, {
      restoreTables: ['notes'],
    });
    await expect(
      restorePgParallel({ storage, connector: selective, database: 'default' }),
    ).rejects.toBeInstanceOf(ConfigError);
    await expect(
      restorePgParallel({ storage, connector, database: 'default', jobs: 0 }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('planParallelRestore', () => {
  const toc = [
    ';',
    '; Archive created at 2024-01-01',
    '215; 1259 16390 TABLE public big postgres',
    '216; 1259 16391 TABLE public small postgres',
    '3340; 0 16390 TABLE DATA public big postgres',
    '3341; 0 16391 TABLE DATA public small postgres',
    '3342; 0 16392 TABLE DATA public tiny postgres',
    '3350; 0 0 SEQUENCE SET public big_id_seq postgres',
    '3190; 2606 16400 CONSTRAINT public big big_pkey postgres',
    '3191; 2606 16401 CONSTRAINT public small small_pkey postgres',
    '3192; 1259 16402 INDEX public small_name postgres',
    '3193; 2606 16403 FK CONSTRAINT public small small_big_fkey postgres',
  ].join('\n');

  it('puts the heaviest table alone and foreign keys last', () => {
    const plan = planParallelRestore(toc, 2, { 'public.big': 1000, 'public.small': 10, 'public.tiny': 5 });
    expect(plan.data).toHaveLength(2);
    const active = (list: string) =>
      list.split('\n').filter((line) => /^\d/.test(line) && /DATA|SET|CONSTRAINT|INDEX/.test(line));
    expect(active(plan.data[0] as string).join('\n')).toContain('TABLE DATA public big');
    expect(active(plan.data[0] as string).join('\n')).toContain('SEQUENCE SET');
    expect(active(plan.data[1] as string)).toEqual([
      '3341; 0 16391 TABLE DATA public small postgres',
      '3342; 0 16392 TABLE DATA public tiny postgres',
    ]);
    expect(plan.indexes).toHaveLength(2);
    expect(active(plan.rest)).toEqual([
      '3350; 0 0 SEQUENCE SET public big_id_seq postgres',
      '3193; 2606 16403 FK CONSTRAINT public small small_big_fkey postgres',
    ]);
  });
});
