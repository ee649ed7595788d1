import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-multi-database', testTimeout: 120_000, hookTimeout: 60_000 },
});
