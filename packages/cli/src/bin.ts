#!/usr/bin/env -S node --max-semi-space-size=1
// --max-semi-space-size=1: V8 then reclaims the 64 KiB stream chunks promptly, keeping peak RSS
// near 100 MB and flat with database size (BENCHMARKS.md, memory). It only works on the command line.
import module from 'node:module';

// Node ≥ 22.1 keeps compiled code in an on-disk cache (os.tmpdir()/node-compile-cache; off with
// NODE_DISABLE_COMPILE_CACHE=1), so later runs skip compiling bk's modules. Enabled before the
// first import of bk's own code, which is why main is imported dynamically.
module.enableCompileCache?.();
// A project's bk.config and connector modules import @bk/* from this bk, even when it is global.
const { useBkPackagesEverywhere } = await import('./config/bk-package-resolution.js');
useBkPackagesEverywhere();
if (process.env.BK_TEST_CLOCK_OFFSET_MS) {
  const { applyTestClockOffset } = await import('./test-clock.js');
  applyTestClockOffset(process.env.BK_TEST_CLOCK_OFFSET_MS);
}
const { main } = await import('./main.js');

const code = await main(process.argv.slice(2));
// stdout and stderr are synchronous for files and pipes on Linux; wait for a TTY's queue to drain.
process.stdout.write('', () => process.exit(code));
