/** One rename applied by `mongorestore --nsFrom/--nsTo` (patterns with `*` or `$var$`). */
export interface MongoRename {
  /**
   * Source namespace pattern, as found in the archive.
   * @example 'app.users'
   */
  from: string;
  /**
   * Target namespace pattern.
   * @example 'app.users_before_migration'
   */
  to: string;
}

/** Options of {@link createMongoConnector} and {@link MongoConnector}. */
export interface MongoConnectorOptions {
  /**
   * A connection URL, `mongodb://` or `mongodb+srv://`. Fields given next to it override its parts.
   * Its database path selects the database; its query is kept (`authSource`, `tls`, `replicaSet`...),
   * except `readPreference`, which becomes {@link MongoConnectorOptions.readPreference}.
   * @example 'mongodb://app:s3cret@db.internal:27017/app?authSource=admin'
   * @default undefined
   */
  url?: string;
  /**
   * Server host name, or a comma-separated seed list (`a:27017,b:27017`).
   * @default 'localhost'
   */
  host?: string;
  /**
   * TCP port (ignored for `mongodb+srv://` and for hosts that carry their own port).
   * @default 27017
   */
  port?: number;
  /**
   * User name.
   * @default undefined (no authentication)
   */
  user?: string;
  /**
   * Password. Written to a 0600 `--config` file, never to argv.
   * @default undefined
   */
  password?: string;
  /**
   * Database holding the user's credentials. Always sent explicitly, because the tools would
   * otherwise authenticate against the `--db` database.
   * @default the URL's database path when the URL has one, else 'admin'
   */
  authSource?: string;
  /**
   * Connect with TLS (`tls=true` in the connection string).
   * @default false (true for `mongodb+srv://`, as the driver does)
   */
  tls?: boolean;
  /**
   * Replica set name (`replicaSet=` in the connection string).
   * @default undefined
   */
  replicaSet?: string;
  /**
   * The database to dump, and the database restores write into (namespaces in the archive are
   * renamed to it). Leave it out to dump every database of the server (then restores keep the
   * archive's namespaces).
   * @default the URL's database path, else undefined (the whole server)
   */
  database?: string;
  /**
   * Read preference for dumps (`mongodump --readPreference`), such as `secondaryPreferred`.
   * @default undefined (the tool's default, `primary`)
   */
  readPreference?: string;
  /**
   * Compress the archive with gzip (`--gzip`). Restores detect gzip from the first bytes, so a
   * backup restores whatever this option says now.
   * @default false
   */
  gzip?: boolean;
  /**
   * Drop each collection before restoring it (`mongorestore --drop`). Without it, documents whose
   * `_id` already exists are skipped, so a restore over existing data would keep the newer data.
   * @default true
   */
  drop?: boolean;
  /**
   * Stop at the first insert error (`mongorestore --stopOnError`) instead of skipping the document.
   * @default true
   */
  stopOnError?: boolean;
  /**
   * Dump only this collection (`mongodump --collection`; the tool takes at most one).
   * Needs {@link MongoConnectorOptions.database}; cannot be combined with exclusions.
   * @default undefined (every collection)
   */
  collection?: string;
  /**
   * Collections left out of dumps (`mongodump --excludeCollection`, once per name).
   * @default []
   */
  excludeCollections?: readonly string[];
  /**
   * Alias of {@link MongoConnectorOptions.excludeCollections}, the name every bk connector accepts.
   * @default []
   */
  excludeTables?: readonly string[];
  /**
   * Collection name prefixes left out of dumps (`mongodump --excludeCollectionsWithPrefix`).
   * @default []
   */
  excludeCollectionsWithPrefix?: readonly string[];
  /**
   * Restore only these collections of the archive (`mongorestore --nsInclude='*.<name>'`).
   * @default [] (every collection)
   */
  restoreCollections?: readonly string[];
  /**
   * Raw `mongorestore --nsInclude` patterns, matched against the archive's namespaces.
   * @example ['app.users', 'app.orders*']
   * @default []
   */
  nsInclude?: readonly string[];
  /**
   * Raw `mongorestore --nsExclude` patterns, matched against the archive's namespaces.
   * @default []
   */
  nsExclude?: readonly string[];
  /**
   * Renames applied by the restore (`--nsFrom`/`--nsTo` pairs), after the rename of the archive's
   * database to {@link MongoConnectorOptions.database}; later renames win.
   * @default []
   */
  rename?: readonly MongoRename[];
  /**
   * Accept a dump whose archive lists no collection. MongoDB cannot tell an empty database from a
   * misspelled one, so by default such a dump fails with {@link MongoEmptyDumpError}.
   * @default false
   */
  allowEmpty?: boolean;
  /**
   * Extra `mongodump` arguments, appended last. Never put a secret here.
   * @default []
   */
  dumpArgs?: readonly string[];
  /**
   * Extra `mongorestore` arguments, appended last. Never put a secret here.
   * @default []
   */
  restoreArgs?: readonly string[];
  /**
   * The `mongodump` binary.
   * @default 'mongodump' (found on PATH)
   */
  mongodumpPath?: string;
  /**
   * The `mongorestore` binary.
   * @default 'mongorestore' (found on PATH)
   */
  mongorestorePath?: string;
  /**
   * Extra environment for the tools.
   * @default {}
   */
  env?: Record<string, string | undefined>;
}
