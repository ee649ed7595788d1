import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Most tests wait on child processes (dump tools, rclone, bk), so two files at a time keep both
    // cores busy; vitest's default on a 2-core machine is one.
    maxWorkers: 2,
    projects: ['packages/*', 'examples/*', 'bench', 'tests'],
  },
});
