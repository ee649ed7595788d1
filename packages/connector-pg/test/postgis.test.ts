import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgConnector, createPostgisConnector } from '../src/index.js';
import { contentOf, createDatabase, createRole, dropDatabase, dropRole, sql } from './pg-helpers.js';

// Needs the postgresql-15-postgis-3 package (the bootstrap installs it).
const databases: string[] = [];
let app: string;

beforeAll(async () => {
  app = await createRole('app-pass:1');
});

afterAll(async () => {
  for (const database of databases) await dropDatabase(database);
  await dropRole(app);
});

async function database(owner: string): Promise<string> {
  const name = await createDatabase(owner);
  databases.push(name);
  return name;
}

async function seedGeo(name: string, owner: string): Promise<void> {
  await sql(name, 'create extension postgis');
  await sql(
    name,
    `create table places (id int primary key, name text, geom geometry(Point, 4326));
     insert into places values (1, 'Zürich', ST_SetSRID(ST_MakePoint(8.54, 47.37), 4326)),
       (2, 'nowhere', null);`,
    owner,
  );
}

const places = (name: string, owner: string) =>
  sql(name, 'select id, name, ST_AsText(geom) from places order by id', owner);

describe('PostGIS variant', () => {
  it('creates the extension as the admin, then restores as a role that does not own it', async () => {
    const source = await database(app);
    await seedGeo(source, app);
    const dump = await dumpToBuffer(createPgConnector(`postgres://${app}@127.0.0.1/${source}`));

    const target = await database(app);
    const connector = createPostgisConnector(`postgres://${app}:app-pass%3A1@127.0.0.1/${target}`, {
      postgis: { adminUrl: 'postgres://postgres@127.0.0.1:5432' },
    });
    await connector.restore(Readable.from([dump]));
    expect(await places(target, app)).toBe('1|Zürich|POINT(8.54 47.37)\n2|nowhere|');
    expect(await sql(target, "select extname from pg_extension where extname = 'postgis'")).toBe('postgis');

    // Again over itself (--clean): the extension stays, the data comes back.
    await sql(target, "update places set name = 'changed'; delete from places where id = 2", app);
    await connector.restore(Readable.from([dump]));
    expect(await places(target, app)).toBe('1|Zürich|POINT(8.54 47.37)\n2|nowhere|');
  });

  it('as a superuser (postgis: true) the extension is dropped and recreated inside the transaction', async () => {
    const source = await database('postgres');
    await seedGeo(source, 'postgres');
    await sql(
      source,
      "insert into spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) values (990001, 'bk', 1, '', '')",
    );
    const dump = await dumpToBuffer(createPgConnector(`postgres://postgres@127.0.0.1/${source}`));
    const target = await database('postgres');
    const connector = createPgConnector(`postgres://postgres@127.0.0.1/${target}`, { postgis: true });
    await connector.restore(Readable.from([dump]));
    await connector.restore(Readable.from([dump]));
    expect(await contentOf(target)).toEqual(await contentOf(source));
    expect(await sql(target, 'select count(*) from spatial_ref_sys where srid = 990001')).toBe('1');
  });

  it('a corrupt archive fails before pg_restore runs and leaves the data unchanged', async () => {
    const target = await database(app);
    await seedGeo(target, app);
    const connector = createPostgisConnector(`postgres://${app}@127.0.0.1/${target}`, {
      postgis: { adminUrl: 'postgres://postgres@127.0.0.1' },
    });
    const error = (await connector
      .restore(Readable.from([Buffer.from('not a pg_dump archive at all')]))
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(/^pg_restore exited 1: .*valid archive/);
    expect(await places(target, app)).toBe('1|Zürich|POINT(8.54 47.37)\n2|nowhere|');
  });

  it('without admin rights the failure is clear', async () => {
    const target = await database(app);
    const error = (await createPostgisConnector(`postgres://${app}@127.0.0.1/${target}`)
      .restore(Readable.from([Buffer.from('PGDMP')]))
      .catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /^psql exited 1: ERROR: {1,2}permission denied to create extension "postgis" .*\(creating postgis in postgres:\/\//,
    );
    expect((error as { hint?: string }).hint).toMatch(/postgis\.adminUrl/);
  });
});
