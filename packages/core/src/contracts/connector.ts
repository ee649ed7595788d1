import type { Readable } from 'node:stream';

/**
 * What a connector can do. Core branches on these, never on `connector.id`.
 * Every flag is honest: the conformance suite checks each one.
 */
export interface ConnectorCapabilities {
  /**
   * The restore commits only when its input ends cleanly, and an aborted restore leaves the
   * target unchanged (PostgreSQL: one transaction; SQLite: a new file renamed into place).
   * When false, core verifies the whole backup before the restore starts (a second read).
   */
  atomicRestore: boolean;
  /** Tables can be left out of a dump (`excludeTables` option). */
  excludeTables: boolean;
  /** Only part of a backup can be restored (tables, schemas or namespaces). */
  selectiveRestore: boolean;
  /** `rowCounts()` returns exact per-table counts (used by restore drills). */
  rowCounts: boolean;
  /** `estimateSize()` returns the database size in bytes (used for progress ETA and chunk sizes). */
  sizeEstimate: boolean;
}

/** Options for {@link Connector.dump}. */
export interface DumpOptions {
  /** Aborting kills the dump tool; `done` then rejects with an {@link AbortedError}. */
  signal?: AbortSignal;
}

/** Options for {@link Connector.restore}. */
export interface RestoreOptions {
  /** Aborting kills the restore tool; with `atomicRestore` the target must then be unchanged. */
  signal?: AbortSignal;
}

/** A running dump: read `stream` to the end, and await `done` for the tool's exit. */
export interface DumpHandle {
  /**
   * The dump bytes, exactly as the backup stores them. When the dump fails, the stream fails too
   * (an `error` event, never a normal end), so a consumer that forgets `done` cannot store a
   * truncated dump as a complete one. `spawnReader` does this for you.
   */
  stream: Readable;
  /**
   * Settles when the dump tool has exited: rejects with a `ProcessError` (exit code and stderr
   * tail) when it failed, even if `stream` ended normally.
   */
  done: Promise<void>;
}

/**
 * Counts rows per table in the dump bytes themselves, so the counts are exactly what the backup
 * holds (the dump's own snapshot) and cost the database server nothing. Core feeds it every chunk
 * it stores, in order, on the same pass that hashes them; it must not throw from
 * {@link RowCounter.write}, must not keep the chunks it is given, and must keep its memory bounded
 * whatever the dump holds.
 */
export interface RowCounter {
  /** The next chunk of the dump, exactly as stored. */
  write(chunk: Buffer): void;
  /**
   * The dump has ended: rows per table, keyed as {@link Connector.rowCounts} keys them (tables
   * without rows count 0). `undefined` when the dump could not be read as the format it should be
   * in (the manifest then records no counts rather than wrong ones). Asynchronous, so a counter
   * may work off the main thread (decompression) and finish here.
   */
  end(): Promise<Record<string, number> | undefined>;
}

/** What `describe()` reports, recorded in every manifest. */
export interface ConnectorDescription {
  /** Engine name: `postgresql`, `mariadb`, `mysql`, `sqlite`, `mongodb`. */
  engine: string;
  /** Server version, or `undefined` when the server cannot be asked (file engines report the library). */
  serverVersion: string | undefined;
  /** Dump tool and its version, such as `pg_dump (PostgreSQL) 15.19`. */
  toolVersion: string;
  /** The database name as the engine knows it. */
  database: string | undefined;
}

/**
 * A connector knows one database engine. It turns a database into a byte stream and a byte stream
 * back into a database. It never touches storage and never prints. Secrets never go in argv.
 */
export interface Connector {
  /** The contract version this connector implements. */
  readonly specificationVersion: 'v1';
  /** Connector id, recorded in manifests: `pg`, `mysql`, `sqlite`, `mongo`. */
  readonly id: string;
  /** File extension of its backups, without a dot: `pgdump`, `sql`, `sqlite.sql`, `archive`. */
  readonly extension: string;
  /** What this connector supports. */
  readonly capabilities: ConnectorCapabilities;
  /** Where it connects, for messages, with secrets redacted (`postgres://app:***@db/app`). */
  readonly target: string;
  /** Secrets this connector holds (passwords), so callers can redact them from any text. */
  readonly secrets: readonly string[];

  /** Starts the dump tool and streams its output. */
  dump(options?: DumpOptions): DumpHandle;
  /**
   * Streams `input` into the restore tool. Resolves when the tool exited cleanly. Must not commit
   * before `input` ends; core ends `input` only after size and sha256 have been checked.
   */
  restore(input: Readable, options?: RestoreOptions): Promise<void>;
  /** Engine, server and tool versions. */
  describe(options?: { signal?: AbortSignal }): Promise<ConnectorDescription>;
  /** Connects once and fails with a clear error if the database cannot be reached. */
  check(options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * A counter that reads row counts from the dump stream itself (optional; only with
   * `capabilities.rowCounts`). When present, core records its counts in the manifest instead of
   * calling {@link Connector.rowCounts} beside the dump, so they are those of the dump's own
   * snapshot even while the database is written to. `rowCounts()` still counts a restored copy.
   */
  rowCounter?(): RowCounter;
  /** Exact row count per table (only when `capabilities.rowCounts`). */
  rowCounts?(options?: { signal?: AbortSignal; estimate?: boolean }): Promise<Record<string, number>>;
  /** Database size in bytes (only when `capabilities.sizeEstimate`). */
  estimateSize?(options?: { signal?: AbortSignal }): Promise<number | undefined>;
  /**
   * Creates the database this connector names, empty, when it does not exist yet, so a backup can
   * be restored into a new database (the restore drill's scratch database). Never changes a
   * database that exists, but checks it as {@link Connector.check} does: rejects when it cannot be
   * used, so callers need no separate check. Resolves `true` when it created the database,
   * `false` when it was already there. Used by `bk dbrestore --create` and the restore drill. Optional: a connector
   * whose restore creates the target itself (MongoDB creates databases on first write) leaves it
   * out.
   */
  createDatabase?(options?: { signal?: AbortSignal }): Promise<boolean>;
  /**
   * Which database this connector reaches, as the server or the filesystem reports it, never as
   * the configuration spells it: an opaque string that two connectors reaching the same database
   * resolve to equally (`localhost` or `127.0.0.1`, a unix socket or TCP, the default port left out,
   * another user, a symlink or a hard link), and two different databases never do. When the
   * database does not exist yet, it names where {@link Connector.createDatabase} would create it
   * (the same server or directory, and the name), so a spelling of a configured database that does
   * not exist yet is recognised too. Stable for as long as the server runs (it may change across a
   * restart): compare identities taken in the same run, never store them.
   *
   * `bk dbrestore --to` (the restore drill) refuses a target whose identity equals that of any
   * configured database, and `bk dbrestore` refuses a configured database that is an alias of
   * another. Optional: without it, the drill refuses to write unless the user passes
   * `--trust-target`. Rejects (like {@link Connector.check}) when the server cannot be
   * asked; never creates or changes anything. Two strings that differ only where a connector's
   * engine ignores the difference (letter case of names, say) must be made equal by the connector.
   */
  identity?(options?: { signal?: AbortSignal }): Promise<string>;
  /** Releases anything held (temp files, connections). */
  close?(): Promise<void>;
}
