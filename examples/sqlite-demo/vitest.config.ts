import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'example-sqlite-demo', testTimeout: 120_000 },
});
