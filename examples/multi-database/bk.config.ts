// biome-ignore-all lint/suspicious/noTemplateCurlyInString: bk interpolates ${VAR} in config strings itself
import { defineConfig } from '@bk/cli';

// Three engines, one config. Secrets and hosts come from the environment; the defaults fit a local
// machine (PostgreSQL on 5432 as `postgres`, MariaDB on 3306 as `root`) and name the databases
// `node setup.mjs` creates, never a database of the server's own.
export default defineConfig({
  remote: '${BK_REMOTE:-./.backups}',
  databases: {
    // SQLite: a file, relative to this config.
    cache: 'sqlite:${CACHE_DB:-./.data/cache.db}',
    // PostgreSQL: a URL; the password, if any, goes to pg_dump through a 0600 file, never argv.
    main: { url: 'postgres://postgres@127.0.0.1:5432/${PG_DATABASE:-bk_example_main}' },
    // MariaDB (or MySQL): mariadb-dump/mariadb with a 0600 defaults file.
    shop: 'mariadb://root@127.0.0.1:3306/${MARIADB_DATABASE:-bk_example_shop}',
  },
  db: {
    filenameTemplate: '{database}-{datetime}.{ext}',
    keep: { last: 7, daily: 7, weekly: 4 },
    concurrency: 3,
  },
});
