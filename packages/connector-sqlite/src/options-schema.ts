import { z } from 'zod';
import type { SqliteConnectorOptions } from './options.js';

const schema = z.strictObject({
  path: z.string().optional(),
  url: z.string().optional(),
  binary: z.string().optional(),
  busyTimeoutMs: z.int().min(0).optional(),
  integrityCheck: z.enum(['quick', 'full']).optional(),
});

/** Fails to compile when the schema and {@link SqliteConnectorOptions} stop naming the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
const keysMatch: SameKeys<z.infer<typeof schema>, SqliteConnectorOptions> = true;
void keysMatch;

/**
 * The zod schema of {@link SqliteConnectorOptions}, and no other key (`busyTimeout` is an error,
 * not a silently ignored setting). The CLI validates each `databases.<name>` entry of the `sqlite`
 * connector with it.
 */
export const sqliteOptionsSchema: z.ZodType<SqliteConnectorOptions> = schema;
