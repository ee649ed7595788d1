import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-pg-script', testTimeout: 120_000, hookTimeout: 60_000 },
});
