import { afterAll, describe, expect, it } from 'vitest';
import { bk, mariadb, psql, tempDir, uniqueName, writeConfig } from './helpers.js';

// `bk dbbackup` then `bk dbrestore --noinput` over changed data, through the binary and a real
// rclone remote, on the real servers: what comes back is what was there, not only one row of it.

const pgName = uniqueName('bk_cli_rt_pg');
const myName = uniqueName('bk_cli_rt_my');

afterAll(async () => {
  await psql('postgres', `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
  await mariadb(`DROP DATABASE IF EXISTS ${myName}`);
});

/** A fingerprint of everything the PostgreSQL test database holds. */
const pgState = (database: string) =>
  psql(
    database,
    `SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i;
     SELECT count(*) FROM items_view;
     SELECT slugify('Grüße, Welt!');
     SELECT last_value FROM items_id_seq;
     SELECT md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid;
     SELECT string_agg(tgname, ',') FROM pg_trigger WHERE NOT tgisinternal;`,
  );

/** A fingerprint of everything the MariaDB test database holds. */
const myState = (database: string) =>
  mariadb(
    `SET NAMES utf8mb4;
     SELECT md5(group_concat(concat_ws('|', id, hex(body), note, hex(doc)) ORDER BY id SEPARATOR ',')) FROM items;
     SELECT count(*) FROM items_view;
     SELECT shout('ünïcode');
     SELECT group_concat(trigger_name) FROM information_schema.triggers WHERE trigger_schema = DATABASE();
     SELECT auto_increment FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'items';`,
    database,
  );

describe('bk dbbackup / dbrestore round trip through the CLI', () => {
  it('PostgreSQL: bytea, jsonb, unicode, NULLs, a view, a function, a trigger, a sequence, a large object', async () => {
    await psql('postgres', `CREATE DATABASE ${pgName}`);
    await psql(
      pgName,
      `CREATE TABLE items (id serial PRIMARY KEY, body bytea, doc jsonb, note text, touched timestamptz);
       INSERT INTO items (body, doc, note, touched)
         SELECT decode(md5(g::text) || '00ff', 'hex'), jsonb_build_object('n', g, 'tags', jsonb_build_array('a', g % 7)),
                CASE WHEN g % 10 = 0 THEN NULL ELSE 'Zeile ' || g || ' — ✓ 🚀 ''quoted''' END, now()
         FROM generate_series(1, 2000) g;
       CREATE VIEW items_view AS SELECT id, note FROM items WHERE note IS NOT NULL;
       CREATE FUNCTION slugify(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(regexp_replace(t, '[^[:alnum:]]+', '-', 'g')) $$;
       CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
       CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();
       SELECT lo_from_bytea(0, decode(repeat('abcdef0123', 5000), 'hex'));`,
    );
    const before = await pgState(pgName);
    const dir = await tempDir('bk-cli-rt-pg-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { main: `postgres://postgres@127.0.0.1:5432/${pgName}` },
    });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);

    await psql(
      pgName,
      `DELETE FROM items WHERE id % 3 = 0; UPDATE items SET note = 'changed'; DROP VIEW items_view;
       DROP TRIGGER items_touch ON items; SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
       CREATE VIEW items_view AS SELECT 1 AS id;`,
    );
    expect(await pgState(pgName)).not.toBe(before);
    const restore = await bk(dir, ['dbrestore', '--noinput']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await pgState(pgName)).toBe(before);
  });

  it('MariaDB: blobs, utf8mb4, JSON, NULLs, a view, a function, a trigger, AUTO_INCREMENT', async () => {
    await mariadb(`CREATE DATABASE ${myName} CHARACTER SET utf8mb4`);
    await mariadb(
      `SET NAMES utf8mb4;
       CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, body blob, note varchar(200), doc json, stamp int) CHARACTER SET utf8mb4;
       INSERT INTO items (body, note, doc)
         SELECT unhex(concat(md5(seq), '00ff')), IF(seq % 10 = 0, NULL, concat('Zeile ', seq, ' — ✓ 🚀 ''q''')),
                json_object('n', seq, 'tags', json_array('a', seq % 7))
         FROM seq_1_to_2000;
       CREATE VIEW items_view AS SELECT id, note FROM items WHERE note IS NOT NULL;
       CREATE FUNCTION shout(t varchar(100)) RETURNS varchar(100) DETERMINISTIC RETURN upper(t);
       CREATE TRIGGER items_stamp BEFORE UPDATE ON items FOR EACH ROW SET NEW.stamp = 1;`,
      myName,
    );
    const before = await myState(myName);
    const dir = await tempDir('bk-cli-rt-my-');
    await writeConfig(dir, {
      remote: './remote',
      databases: { main: `mysql://root@127.0.0.1:3306/${myName}` },
    });
    const backup = await bk(dir, ['dbbackup']);
    expect(backup.exitCode, backup.stderr).toBe(0);

    await mariadb(
      `SET NAMES utf8mb4; DELETE FROM items WHERE id % 3 = 0; DROP TRIGGER items_stamp; UPDATE items SET note = 'changed';
       DROP VIEW items_view; DROP FUNCTION shout; CREATE VIEW items_view AS SELECT 1 AS id;
       CREATE FUNCTION shout(t varchar(100)) RETURNS varchar(100) DETERMINISTIC RETURN lower(t);`,
      myName,
    );
    expect(await myState(myName)).not.toBe(before);
    const restore = await bk(dir, ['dbrestore', '--noinput']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await myState(myName)).toBe(before);
  });
});
