import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'tests', testTimeout: 120000, hookTimeout: 120000 } });
