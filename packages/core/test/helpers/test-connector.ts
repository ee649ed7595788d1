import type { Readable } from 'node:stream';
import type { Connector, ConnectorCapabilities, DumpHandle } from '../../src/index.js';
import { spawnReader, spawnWriter } from '../../src/index.js';

/** How the test connector's dump behaves. Every variant runs a real `sh` process. */
export interface TestConnectorOptions {
  /** File whose bytes the dump writes. */
  dataFile: string;
  /** File the restore writes. */
  target: string;
  /** Restore into a temp file renamed into place on clean end of input. @default true */
  atomic?: boolean;
  /** The dump writes this many bytes, then kills itself with SIGKILL. */
  killAt?: number;
  /** The dump writes everything, then prints to stderr and exits with this code. */
  exitCode?: number;
  /** The dump writes 64 KiB every `delayMs` milliseconds (to let a test kill something mid-stream). */
  delayMs?: number;
  /** A file the dump and restore scripts touch when they start (to prove they never ran). */
  startedMarker?: string;
  /** Connector id. @default "fake" */
  id?: string;
}

const DUMP_SCRIPT = `
[ -n "$MARKER" ] && touch "$MARKER.dump"
if [ -n "$KILL_AT" ]; then head -c "$KILL_AT" "$DATA"; kill -9 $$; fi
if [ -n "$DELAY" ]; then
  size=$(wc -c < "$DATA"); i=0
  while [ $((i * 65536)) -lt "$size" ]; do
    dd if="$DATA" bs=65536 skip=$i count=1 2>/dev/null || { echo "fake_dump: write error: Broken pipe" >&2; exit 141; }
    sleep "$DELAY"; i=$((i + 1))
  done
else
  cat "$DATA"
fi
if [ -n "$EXIT_CODE" ]; then echo "fake_dump: error: lost connection to server" >&2; exit "$EXIT_CODE"; fi
`;

const ATOMIC_RESTORE = `
[ -n "$MARKER" ] && touch "$MARKER.restore"
tmp="$TARGET.tmp.$$"
cat > "$tmp" && mv "$tmp" "$TARGET"
`;

const DIRECT_RESTORE = `
[ -n "$MARKER" ] && touch "$MARKER.restore"
cat > "$TARGET"
`;

/**
 * A connector for core's tests: dump and restore are real `sh` processes spawned through
 * `spawnReader` / `spawnWriter`, like every real connector's.
 */
export function createTestConnector(options: TestConnectorOptions): Connector {
  const atomic = options.atomic ?? true;
  const capabilities: ConnectorCapabilities = {
    atomicRestore: atomic,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: false,
  };
  const env = {
    DATA: options.dataFile,
    TARGET: options.target,
    MARKER: options.startedMarker ?? '',
    KILL_AT: options.killAt === undefined ? '' : String(options.killAt),
    EXIT_CODE: options.exitCode === undefined ? '' : String(options.exitCode),
    DELAY: options.delayMs === undefined ? '' : String(options.delayMs / 1000),
  };
  return {
    specificationVersion: 'v1',
    id: options.id ?? 'fake',
    extension: 'fake.dump',
    capabilities,
    target: `fake:${options.target}`,
    secrets: [],
    dump(dumpOptions = {}): DumpHandle {
      return spawnReader({
        name: 'fake_dump',
        file: 'sh',
        args: ['-c', DUMP_SCRIPT],
        env,
        signal: dumpOptions.signal,
        context: 'dump of "fake"',
      });
    },
    restore(input: Readable, restoreOptions = {}): Promise<void> {
      return spawnWriter(
        {
          name: 'fake_restore',
          file: 'sh',
          args: ['-c', atomic ? ATOMIC_RESTORE : DIRECT_RESTORE],
          env,
          signal: restoreOptions.signal,
          context: 'restore of "fake"',
        },
        input,
      );
    },
    async describe() {
      return { engine: 'fake', serverVersion: '1.0', toolVersion: 'fake_dump 1.0', database: 'fake' };
    },
    async check() {},
    async rowCounts() {
      return { items: 3 };
    },
  };
}
