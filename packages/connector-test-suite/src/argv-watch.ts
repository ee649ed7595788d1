import { listDescendantPids, readCmdline } from './process-tree.js';

/** What {@link watchArgv} saw. */
export interface ArgvReport {
  /** Every distinct command line seen among the descendants (arguments joined by spaces). */
  commands: string[];
  /** Command lines that contained a secret, with the secret masked as `***`. */
  leaks: string[];
}

/** A running argv watch: call `stop()` to end it and get the report. */
export interface ArgvWatch {
  /** Stops polling and returns what was seen. */
  stop(): Promise<ArgvReport>;
}

/**
 * Polls `/proc/<pid>/cmdline` of every descendant of this process until `stop()` is called, and
 * records each command line that contains one of `secrets` (plain or URL-encoded). Linux only.
 * Run the operations under test between `watchArgv()` and `stop()`.
 */
export function watchArgv(
  secrets: readonly string[],
  options: {
    /** Delay between two scans of `/proc`, in milliseconds. @default 2 */
    intervalMs?: number;
  } = {},
): ArgvWatch {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    needles.add(encodeURIComponent(secret));
  }
  const commands = new Set<string>();
  const leaks = new Set<string>();
  let running = true;
  const scan = async (): Promise<void> => {
    for (const pid of await listDescendantPids()) {
      const argv = await readCmdline(pid);
      if (!argv) continue;
      const line = argv.join(' ');
      commands.add(line);
      let masked = line;
      for (const needle of needles) masked = masked.split(needle).join('***');
      if (masked !== line) leaks.add(masked);
    }
  };
  const loop = (async () => {
    while (running) {
      await scan();
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 2));
    }
    await scan();
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { commands: [...commands], leaks: [...leaks] };
    },
  };
}
