import type { Connector, ConnectorCapabilities } from '@bk/core';
import type { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The test runner's API, passed in by the caller so the suite never imports vitest at run time:
 * `connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, factory, options)`.
 */
export interface TestApi {
  /** vitest's `describe`. */
  describe: typeof describe;
  /** vitest's `it` (the suite passes a per-test timeout as its third argument). */
  it: typeof it;
  /** vitest's `expect`. */
  expect: typeof expect;
  /** vitest's `beforeEach` (optional; the suite creates its fixtures inside each test). */
  beforeEach?: typeof beforeEach;
  /** vitest's `afterEach`; when given, fixtures a failed test left behind are cleaned up here too. */
  afterEach?: typeof afterEach;
}

/** What the suite asks of {@link ConnectorFactory.create}. */
export interface CreateFixtureOptions {
  /**
   * Seed enough data that a dump keeps its tool running for a while: at least ~8 MB of dump output
   * (before any compression the tool applies), so the suite can abort a dump or restore mid-way.
   * When false, seed a few small tables (a few rows each) for fast tests.
   */
  large: boolean;
  /**
   * Tables (collections) the connector must leave out of its dumps: pass them to the connector's
   * `excludeTables` option. Only set when {@link ConnectorTestSuiteOptions.capabilities} declares
   * `excludeTables`.
   */
  excludeTables?: readonly string[];
}

/**
 * One fresh, seeded database and a connector pointing at it. The suite creates one per test and
 * always calls {@link ConnectorFixture.cleanup} after it.
 */
export interface ConnectorFixture {
  /** A connector for this fixture's database. */
  connector: Connector;
  /**
   * The data as a comparable, JSON-serializable value keyed by table (collection) name:
   * `{ users: [[1, 'ada'], [2, 'bob']], notes: [...] }`. Rows must be in a stable order (sort them).
   * The suite compares snapshots with `toEqual` and reads the keys as the list of tables.
   */
  snapshot(): Promise<Record<string, unknown>>;
  /**
   * Changes the data of the seeded tables so that the next snapshot differs (update, delete and
   * insert rows). Do not create or drop tables: a restore need not drop tables its dump lacks.
   */
  mutate(): Promise<void>;
  /**
   * Drops every table (collection) but keeps the database itself, so a dump can be restored into
   * an empty database. Used by the `excludeTables` test.
   */
  clear(): Promise<void>;
  /**
   * The password the connector authenticates with. The suite polls the argv of every process it
   * spawns and fails if this (or its URL-encoded form) shows up. Required unless
   * {@link ConnectorTestSuiteOptions.password} is `false`.
   */
  password?: string;
  /** Exact row counts per table right after seeding; when given, `rowCounts()` must equal them. */
  expectedRowCounts?: Record<string, number>;
  /**
   * A second connector reaching this fixture's database under another spelling: another host name
   * for the same server (`localhost` for `127.0.0.1`), the default port left out, a unix socket, a
   * symlink to the file. Its `target` must differ from the fixture connector's, and its
   * `identity()` must equal it. Required when {@link ConnectorTestSuiteOptions.identity} is true.
   */
  otherSpelling?(): Connector | Promise<Connector>;
  /** Drops the database and removes anything the fixture created. Must not throw if already gone. */
  cleanup(): Promise<void>;
}

/** Builds the databases and connectors the suite runs against. */
export interface ConnectorFactory {
  /** Creates a fresh database with a unique name, seeds it, and returns a fixture for it. */
  create(options: CreateFixtureOptions): Promise<ConnectorFixture>;
  /**
   * A connector whose database does not exist (and must not be created by trying): its dump must
   * reject `done` with a `ProcessError` carrying `exitCode` and a non-empty `stderrTail`.
   */
  missingDatabase(): Connector | Promise<Connector>;
  /**
   * A connector with credentials the server rejects (unknown user or wrong password). Leave it out
   * for engines without credentials (SQLite); the bad-credentials test is then not registered.
   */
  badCredentials?(): Connector | Promise<Connector>;
}

/** Options of {@link connectorTestSuite}. */
export interface ConnectorTestSuiteOptions {
  /**
   * Title of the suite's `describe` block.
   * @default 'connector conformance'
   */
  name?: string;
  /**
   * The capabilities the connector declares. The suite asserts `connector.capabilities` equals
   * this, and registers the tests of each declared capability (and only those).
   */
  capabilities: ConnectorCapabilities;
  /**
   * A table (collection) the factory seeds that the `excludeTables` test leaves out. Required when
   * `capabilities.excludeTables` is true; the fixture must seed at least one other table.
   */
  excludableTable?: string;
  /**
   * Whether the connector authenticates with a password. When `false` (SQLite), the argv test
   * instead asserts `connector.secrets` is empty.
   * @default true
   */
  password?: boolean;
  /**
   * The programs the connector runs, by the names it looks up on `PATH` (`["pg_dump", "pg_restore",
   * "psql"]`). The argv test puts a recording shim for each first on `PATH`, so every run is seen
   * however short-lived; polling `/proc` alone can miss a process that lives a few milliseconds.
   * @default [] (polling only)
   */
  programs?: readonly string[];
  /**
   * Whether `describe()` reports a `serverVersion`.
   * @default true
   */
  serverVersion?: boolean;
  /**
   * Whether the connector implements `identity()`. When true, the suite checks that two spellings
   * of one database ({@link ConnectorFixture.otherSpelling}) give the same identity and two
   * databases (two fixtures) differ; when false, that the connector has no `identity()`.
   * @default false
   */
  identity?: boolean;
  /**
   * Per-test timeout in milliseconds.
   * @default 60000
   */
  timeout?: number;
}
