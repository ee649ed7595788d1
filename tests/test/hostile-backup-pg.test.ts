import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bk, psql, tempDir, uniqueName, writeConfig } from './helpers.js';
import { createCanaries, expectNothingLeaked, forgeLatestBackup } from './hostile-forge.js';

const source = uniqueName('bk_hostile_pg');
const asSuperuser = uniqueName('bk_hostile_pg_su');
const asOwner = uniqueName('bk_hostile_pg_owner');
const restorer = uniqueName('bk_hostile_restorer');
afterAll(async () => {
  for (const name of [source, asSuperuser, asOwner]) {
    await psql('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  await psql('postgres', `DROP ROLE IF EXISTS ${restorer}`);
});

/** Everything a database holds in its user tables, as text. */
async function contentOf(database: string): Promise<string> {
  return psql(
    database,
    `SELECT coalesce(string_agg(format('%s: %s', c.relname, (xpath('/row/x/text()', query_to_xml(format(
       'SELECT string_agg(t::text, ''|'') AS x FROM %I.%I t', n.nspname, c.relname), false, true, '')))[1]), E'\\n'), '')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
  );
}

describe('hostile PostgreSQL backups', () => {
  it('a forged backup that is a psql script (\\! and \\copy) is refused by pg_restore; nothing runs or leaks', async () => {
    await psql('postgres', `CREATE DATABASE ${source}`);
    await psql(source, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept');");
    const dir = await tempDir('bk-hostile-pg-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { default: `postgres://postgres@127.0.0.1:5432/${source}` },
    });
    expect((await bk(dir, ['dbbackup'])).exitCode).toBe(0);
    const canaries = await createCanaries((secret) => `INSERT INTO loot VALUES ('${secret}');\n`);
    const script = `CREATE TABLE loot (x text);\n\\! touch ${canaries.ranFile}\n\\copy loot from '${canaries.secretFile}'\n\\o ${canaries.writtenFile}\n\\i ${canaries.secretFile}\n`;
    await forgeLatestBackup(dir, join(dir, 'remote'), script);
    const result = await bk(dir, ['dbrestore', '--noinput'], { env: canaries.env });
    await expectNothingLeaked(result, canaries, await contentOf(source), /pg_restore exited 1/);
    expect(result.stderr).toMatch(/does not appear to be a valid archive/);
    expect(await contentOf(source)).toBe('notes: (kept)');
  });

  it("server-side code in a valid archive runs only with the restoring role's rights: a superuser restore runs COPY FROM PROGRAM, an owner restore refuses it", async () => {
    const canaries = await createCanaries(() => '');
    await psql('postgres', `DROP DATABASE IF EXISTS ${source} WITH (FORCE); CREATE DATABASE ${source}`);
    // An archive made by pg_dump itself, of a database the attacker built: a CHECK constraint calls a
    // function that runs a program on the database server while pg_restore loads the rows.
    await psql(
      source,
      `CREATE TABLE loot (x text);
       CREATE FUNCTION public.evil(v int) RETURNS boolean LANGUAGE plpgsql AS $$
       BEGIN
         IF current_database() <> '${source}' THEN
           EXECUTE format('COPY public.loot FROM PROGRAM %L', 'touch ${canaries.ranFile}; echo ran');
         END IF;
         RETURN true;
       END $$;
       CREATE TABLE bait (v int CHECK (public.evil(v)));
       INSERT INTO bait VALUES (1);`,
    );
    const remote = join(await tempDir('bk-hostile-pg-remote-'), 'remote');
    const backupDir = await tempDir('bk-hostile-pg-src-');
    await writeConfig(backupDir, {
      remote,
      databases: { default: `postgres://postgres@127.0.0.1:5432/${source}` },
    });
    expect((await bk(backupDir, ['dbbackup'])).exitCode).toBe(0);

    // Restored by a role that owns its database and nothing more: the program never runs.
    await psql('postgres', `CREATE ROLE ${restorer} LOGIN; CREATE DATABASE ${asOwner} OWNER ${restorer}`);
    const ownerDir = await tempDir('bk-hostile-pg-owner-');
    await writeConfig(ownerDir, {
      remote,
      databases: {
        default: { url: `postgres://${restorer}@127.0.0.1:5432/${asOwner}`, noOwner: true, noAcl: true },
      },
    });
    const refused = await bk(ownerDir, ['dbrestore', '--noinput']);
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/pg_restore exited 1: .*COPY public.loot FROM PROGRAM/);
    expect(refused.stderr).toMatch(/hint: the backup asks the database server to run a program .*forged/);
    expect(existsSync(canaries.ranFile)).toBe(false);
    expect(await contentOf(asOwner)).toBe('');

    // Restored as a superuser: the server runs it (as the server's OS user). bk cannot tell this
    // from a legitimate archive; docs/guarantees.md says to restore with a non-superuser role.
    await psql('postgres', `CREATE DATABASE ${asSuperuser}`);
    const superDir = await tempDir('bk-hostile-pg-su-');
    await writeConfig(superDir, {
      remote,
      databases: { default: `postgres://postgres@127.0.0.1:5432/${asSuperuser}` },
    });
    const ran = await bk(superDir, ['dbrestore', '--noinput']);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(existsSync(canaries.ranFile)).toBe(true);
  });
});
