import type { Options } from 'tsup';

/** Shared tsup settings: every package builds ESM for Node 24 with declarations. */
export const baseConfig: Options = {
  format: ['esm'],
  target: 'node24',
  platform: 'node',
  dts: true,
  sourcemap: true,
  // No clean: entries have fixed names and no chunks, so a rebuild overwrites in place instead of
  // deleting dist/ under tests that are running against it.
  clean: false,
  splitting: false,
  treeshake: true,
  // Classes keep their names (`ProcessError`, not `_ProcessError`) in stack traces and `.name`.
  keepNames: true,
};
