import { Readable } from 'node:stream';
import { BkError, type Connector } from '@bk/core';
import { watchArgv } from './argv-watch.js';
import { recordExecs } from './exec-recorder.js';
import { listDescendantPids, waitForNoDescendants } from './process-tree.js';
import { dumpToBuffer, garbage, partialStream } from './streams.js';
import type {
  ConnectorFactory,
  ConnectorFixture,
  ConnectorTestSuiteOptions,
  CreateFixtureOptions,
  TestApi,
} from './types.js';

interface FailureShape {
  code?: string;
  name?: string;
  exitCode?: unknown;
  stderrTail?: unknown;
  message?: string;
}

async function caught(promise: Promise<unknown>): Promise<FailureShape> {
  try {
    await promise;
  } catch (error) {
    return (error ?? {}) as FailureShape;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/**
 * Registers the bk connector conformance tests with the given test runner.
 *
 * Each test gets a fresh database from `factory.create()` and cleans it up afterwards. The tests
 * cover: round trip, dump failures (missing database, bad credentials), garbage and failing restore
 * input, cancellation of dump and restore (no child process left behind), `describe()`, secrets in
 * argv, `identity()` (two spellings of one database agree, two databases differ), and each declared
 * capability (`rowCounts`, `sizeEstimate`, `excludeTables`, `atomicRestore`).
 *
 * @param test the runner's API: `{ describe, it, expect, beforeEach, afterEach }` from vitest
 * @param factory builds the fixtures (databases and connectors)
 * @param options what the connector declares and which optional checks apply
 */
export function connectorTestSuite(
  test: TestApi,
  factory: ConnectorFactory,
  options: ConnectorTestSuiteOptions,
): void {
  const { describe, it, expect } = test;
  const timeout = options.timeout ?? 60_000;
  const capabilities = options.capabilities;
  const live = new Set<ConnectorFixture>();

  if (capabilities.excludeTables && !options.excludableTable) {
    throw new TypeError('connectorTestSuite: options.excludableTable is required with excludeTables');
  }

  async function withFixture(
    createOptions: CreateFixtureOptions,
    run: (fixture: ConnectorFixture) => Promise<void>,
  ): Promise<void> {
    const fixture = await factory.create(createOptions);
    live.add(fixture);
    try {
      await run(fixture);
    } finally {
      live.delete(fixture);
      await fixture.connector.close?.();
      await fixture.cleanup();
    }
  }

  async function expectNoNewDescendants(baseline: readonly number[]): Promise<void> {
    const left = await waitForNoDescendants({ baseline, timeoutMs: 5000 });
    expect(left, 'child processes left behind').toEqual([]);
  }

  function expectProcessError(error: FailureShape): void {
    expect(BkError.isInstance(error), `not a BkError: ${String(error.message)}`).toBe(true);
    expect(error.name).toBe('ProcessError');
    expect(typeof error.exitCode).toBe('number');
    expect(error.exitCode).not.toBe(0);
    expect(typeof error.stderrTail).toBe('string');
    expect(String(error.stderrTail).trim()).not.toBe('');
  }

  function expectAborted(error: FailureShape): void {
    expect(error.code, `expected AbortedError, got: ${String(error.message)}`).toBe('BK_ABORTED');
    expect(error.name).toBe('AbortedError');
  }

  describe(options.name ?? 'connector conformance', () => {
    test.afterEach?.(async () => {
      for (const fixture of [...live]) {
        live.delete(fixture);
        await fixture.cleanup().catch(() => {});
      }
    });

    it(
      'implements contract v1 and declares its capabilities',
      async () => {
        await withFixture({ large: false }, async (fixture) => {
          const connector: Connector = fixture.connector;
          expect(connector.specificationVersion).toBe('v1');
          expect(connector.id).toMatch(/^[a-z][a-z0-9-]*$/);
          expect(connector.extension).toMatch(/^[a-z0-9][a-z0-9.]*$/);
          expect(connector.capabilities).toEqual(capabilities);
          if (fixture.password) {
            expect(connector.target).not.toContain(fixture.password);
            expect(connector.secrets).toContain(fixture.password);
          }
          await connector.check();
          // The optional createDatabase() never touches a database that exists.
          if (connector.createDatabase !== undefined) {
            const before = await fixture.snapshot();
            expect(await connector.createDatabase(), 'createDatabase() of an existing database').toBe(false);
            expect(await fixture.snapshot()).toEqual(before);
          }
        });
      },
      timeout,
    );

    it(
      'round trip preserves data: seed, dump, mutate, restore, compare',
      async () => {
        await withFixture({ large: false }, async (fixture) => {
          const before = await fixture.snapshot();
          expect(Object.keys(before).length).toBeGreaterThan(0);
          const dump = await dumpToBuffer(fixture.connector);
          expect(dump.length).toBeGreaterThan(0);
          await fixture.mutate();
          expect(await fixture.snapshot(), 'mutate() must change the snapshot').not.toEqual(before);
          await fixture.connector.restore(Readable.from([dump]));
          expect(await fixture.snapshot()).toEqual(before);
        });
      },
      timeout,
    );

    it(
      options.identity === true
        ? 'identity() names the database, not its spelling: two spellings agree, two databases differ'
        : 'declares no identity()',
      async () => {
        await withFixture({ large: false }, async (fixture) => {
          const connector = fixture.connector;
          if (options.identity !== true) {
            expect(connector.identity, 'identity() exists: pass identity: true').toBeUndefined();
            return;
          }
          expect(connector.identity, 'identity: true but the connector has no identity()').toBeTypeOf(
            'function',
          );
          expect(fixture.otherSpelling, 'identity: true needs fixture.otherSpelling()').toBeTypeOf(
            'function',
          );
          const identity = await connector.identity!();
          expect(identity).toMatch(/\S/);
          expect(await connector.identity!(), 'identity() is stable').toBe(identity);
          const other = await fixture.otherSpelling!();
          try {
            expect(other.target, 'otherSpelling() must spell the database differently').not.toBe(
              connector.target,
            );
            expect(await other.identity?.(), `${other.target} and ${connector.target}`).toBe(identity);
          } finally {
            await other.close?.();
          }
          await withFixture({ large: false }, async (second) => {
            expect(await second.connector.identity!(), 'two databases, one identity').not.toBe(identity);
          });
          // A database that does not exist has an identity of its own, or none (identity() rejects).
          const missing = await factory.missingDatabase();
          try {
            const absent = await missing.identity!().catch(() => undefined);
            expect(absent, 'a missing database has the identity of an existing one').not.toBe(identity);
          } finally {
            await missing.close?.();
          }
        });
      },
      timeout,
    );

    it(
      'describe() reports engine, tool version and server version',
      async () => {
        await withFixture({ large: false }, async (fixture) => {
          const description = await fixture.connector.describe();
          expect(description.engine).toMatch(/\S/);
          expect(description.toolVersion).toMatch(/\d/);
          if (options.serverVersion !== false) expect(description.serverVersion).toMatch(/\d/);
        });
      },
      timeout,
    );

    it(
      'a dump of a missing database rejects done with a ProcessError',
      async () => {
        const connector = await factory.missingDatabase();
        try {
          const handle = connector.dump();
          handle.stream.resume();
          expectProcessError(await caught(handle.done));
          const checked = await caught(connector.check());
          expect(BkError.isInstance(checked), `check(): not a BkError: ${checked.message}`).toBe(true);
        } finally {
          await connector.close?.();
        }
      },
      timeout,
    );

    if (factory.badCredentials) {
      const badCredentials = factory.badCredentials.bind(factory);
      it(
        'a dump with bad credentials rejects done with a ProcessError',
        async () => {
          const connector = await badCredentials();
          try {
            const handle = connector.dump();
            handle.stream.resume();
            const error = await caught(handle.done);
            expectProcessError(error);
            for (const secret of connector.secrets) expect(error.message).not.toContain(secret);
          } finally {
            await connector.close?.();
          }
        },
        timeout,
      );
    }

    it(
      'a restore of garbage input rejects cleanly',
      async () => {
        await withFixture({ large: false }, async (fixture) => {
          const before = await fixture.snapshot();
          const baseline = await listDescendantPids();
          const error = await caught(fixture.connector.restore(Readable.from([garbage()])));
          expect(BkError.isInstance(error), `not a BkError: ${String(error.message)}`).toBe(true);
          await expectNoNewDescendants(baseline);
          if (capabilities.atomicRestore) expect(await fixture.snapshot()).toEqual(before);
        });
      },
      timeout,
    );

    it(
      'a restore whose input fails mid-way rejects with that error',
      async () => {
        await withFixture({ large: true }, async (fixture) => {
          const dump = await dumpToBuffer(fixture.connector);
          await fixture.mutate();
          const before = await fixture.snapshot();
          const failure = new Error('input failed on purpose');
          const input = partialStream(dump, Math.floor(dump.length / 2), failure);
          const baseline = await listDescendantPids();
          const error = await caught(fixture.connector.restore(input.stream));
          expect(
            error === failure || (error as { cause?: unknown }).cause === failure,
            String(error.message),
          ).toBe(true);
          await expectNoNewDescendants(baseline);
          if (capabilities.atomicRestore) expect(await fixture.snapshot()).toEqual(before);
        });
      },
      timeout,
    );

    it(
      'aborting a dump rejects done with an AbortedError and leaves no child process',
      async () => {
        await withFixture({ large: true }, async (fixture) => {
          const baseline = await listDescendantPids();
          const controller = new AbortController();
          const handle = fixture.connector.dump({ signal: controller.signal });
          // Like every consumer, listen for the stream's error: a connector may destroy its stream
          // with the failure as well as reject `done` (which is what is checked).
          handle.stream.on('error', () => {});
          await new Promise<void>((resolve, reject) => {
            handle.stream.once('data', () => {
              handle.stream.pause();
              resolve();
            });
            handle.stream.once('end', () => reject(new Error('the dump ended before it could be aborted')));
          });
          controller.abort();
          expectAborted(await caught(handle.done));
          handle.stream.destroy();
          await expectNoNewDescendants(baseline);
        });
      },
      timeout,
    );

    it(
      capabilities.atomicRestore
        ? 'aborting a restore mid-way rejects with an AbortedError and leaves the target unchanged'
        : 'aborting a restore mid-way rejects with an AbortedError',
      async () => {
        await withFixture({ large: true }, async (fixture) => {
          const dump = await dumpToBuffer(fixture.connector);
          await fixture.mutate();
          const before = await fixture.snapshot();
          const baseline = await listDescendantPids();
          const controller = new AbortController();
          const input = partialStream(dump, Math.floor(dump.length / 2));
          const restored = fixture.connector.restore(input.stream, { signal: controller.signal });
          restored.catch(() => {});
          await input.delivered;
          await new Promise((resolve) => setTimeout(resolve, 200));
          controller.abort();
          expectAborted(await caught(restored));
          input.stream.destroy();
          await expectNoNewDescendants(baseline);
          if (capabilities.atomicRestore) expect(await fixture.snapshot()).toEqual(before);
        });
      },
      timeout,
    );

    it(
      'no secret appears in the argv of any process it spawns',
      async () => {
        await withFixture({ large: true }, async (fixture) => {
          const { connector } = fixture;
          if (options.password === false) {
            expect(connector.secrets).toEqual([]);
          } else {
            expect(fixture.password, 'the fixture must supply its password').toMatch(/\S/);
          }
          const secrets = [...connector.secrets, ...(fixture.password ? [fixture.password] : [])];
          const recorder = await recordExecs(options.programs ?? []);
          const watch = watchArgv(secrets);
          let report: Awaited<ReturnType<typeof watch.stop>>;
          let recorded: string[];
          try {
            await connector.check();
            await connector.describe();
            const dump = await dumpToBuffer(connector);
            await connector.restore(Readable.from([dump]));
            if (capabilities.rowCounts) await connector.rowCounts?.();
            if (capabilities.sizeEstimate) await connector.estimateSize?.();
          } finally {
            report = await watch.stop();
            recorded = await recorder.stop();
          }
          const recordedLeaks = recorded
            .filter((line) =>
              secrets.some((secret) => line.includes(secret) || line.includes(encodeURIComponent(secret))),
            )
            .map((line) => secrets.reduce((masked, secret) => masked.split(secret).join('***'), line));
          expect([...report.leaks, ...recordedLeaks]).toEqual([]);
          expect(report.commands.length + recorded.length, 'no spawned process was observed').toBeGreaterThan(
            0,
          );
          if (options.programs?.length) {
            expect(
              recorded.length,
              `none of ${options.programs.join(', ')} was seen running`,
            ).toBeGreaterThan(0);
          }
        });
      },
      timeout,
    );

    if (capabilities.rowCounts) {
      it(
        'rowCounts() returns exact counts per table',
        async () => {
          await withFixture({ large: false }, async (fixture) => {
            expect(typeof fixture.connector.rowCounts).toBe('function');
            const counts = await fixture.connector.rowCounts!();
            const values = Object.values(counts);
            expect(values.length).toBeGreaterThan(0);
            for (const value of values) expect(Number.isInteger(value) && value >= 0).toBe(true);
            expect(values.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(0);
            if (fixture.expectedRowCounts) expect(counts).toEqual(fixture.expectedRowCounts);
          });
        },
        timeout,
      );
    }

    if (capabilities.rowCounts) {
      it(
        'rowCounter(), when given, counts in the dump exactly what rowCounts() counts, however it is chunked',
        async () => {
          await withFixture({ large: false }, async (fixture) => {
            const { connector } = fixture;
            if (connector.rowCounter === undefined) return;
            const dump = await dumpToBuffer(connector);
            const counts = await connector.rowCounts!();
            // Whole, then byte by byte over the first 64 KiB and in odd sizes after: a counter must
            // not depend on where the chunks of its input start and end.
            const whole = connector.rowCounter();
            whole.write(dump);
            expect(await whole.end()).toEqual(counts);
            const split = connector.rowCounter();
            let offset = 0;
            for (let size = 1; offset < dump.length; size = offset < 65_536 ? 1 : (size * 7) % 4093 || 1) {
              split.write(dump.subarray(offset, offset + size));
              offset += size;
            }
            expect(await split.end()).toEqual(counts);
          });
        },
        timeout,
      );
    }

    if (capabilities.sizeEstimate) {
      it(
        'estimateSize() returns a size in bytes',
        async () => {
          await withFixture({ large: false }, async (fixture) => {
            expect(typeof fixture.connector.estimateSize).toBe('function');
            const size = await fixture.connector.estimateSize!();
            expect(typeof size).toBe('number');
            expect(size).toBeGreaterThan(0);
          });
        },
        timeout,
      );
    }

    if (capabilities.excludeTables) {
      const excluded = options.excludableTable as string;
      it(
        'excludeTables leaves the table out of the dump',
        async () => {
          await withFixture({ large: false, excludeTables: [excluded] }, async (fixture) => {
            const before = await fixture.snapshot();
            expect(Object.keys(before), 'the fixture must seed the excludable table').toContain(excluded);
            expect(Object.keys(before).length).toBeGreaterThan(1);
            const dump = await dumpToBuffer(fixture.connector);
            await fixture.clear();
            await fixture.connector.restore(Readable.from([dump]));
            const after = await fixture.snapshot();
            const { [excluded]: _left, ...expected } = before;
            expect(after).toEqual(expected);
          });
        },
        timeout,
      );
    }
  });
}
