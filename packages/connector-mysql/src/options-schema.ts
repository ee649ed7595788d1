import { z } from 'zod';
import type { MysqlConnectorOptions } from './types.js';

const strings = z.array(z.string());

const schema = z.strictObject({
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.int().min(1).max(65535).optional(),
  socket: z.string().optional(),
  protocol: z.enum(['TCP', 'SOCKET']).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  tls: z
    .strictObject({
      mode: z.enum(['DISABLED', 'PREFERRED', 'REQUIRED', 'VERIFY_CA', 'VERIFY_IDENTITY']).optional(),
      ca: z.string().optional(),
      cert: z.string().optional(),
      key: z.string().optional(),
    })
    .optional(),
  excludeTables: strings.optional(),
  dumpArgs: strings.optional(),
  restoreArgs: strings.optional(),
  dumpBinary: z.string().optional(),
  clientBinary: z.string().optional(),
  connectTimeout: z.number().min(0).optional(),
});

/** Fails to compile when the schema and {@link MysqlConnectorOptions} stop naming the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
const keysMatch: SameKeys<z.infer<typeof schema>, MysqlConnectorOptions> = true;
void keysMatch;

/**
 * The zod schema of {@link MysqlConnectorOptions}: every option, `tls` included, and no other key
 * (`excludeTabels` is an error, not a silently ignored setting). The CLI validates each
 * `databases.<name>` entry of the `mysql` connector with it.
 */
export const mysqlOptionsSchema: z.ZodType<MysqlConnectorOptions> = schema;
