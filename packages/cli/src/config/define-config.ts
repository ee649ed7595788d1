import type { BkConfig } from './types.js';

/**
 * Identity function that gives `bk.config.ts` type checking and editor completion.
 *
 * @example
 * ```ts
 * // bk.config.ts
 * import { defineConfig } from '@bk/cli';
 *
 * export default defineConfig({
 *   remote: 'offsite:myapp',
 *   databases: { default: process.env.DATABASE_URL! },
 *   db: { keep: { last: 10, daily: 7 } },
 * });
 * ```
 */
export function defineConfig(config: BkConfig): BkConfig {
  return config;
}
