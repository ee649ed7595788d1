import { z } from 'zod';
import type { PgConnectorOptions } from './options.js';

const strings = z.array(z.string());

const schema = z.strictObject({
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.union([z.int().min(1).max(65535), z.string()]).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  database: z.string().optional(),
  sslmode: z.string().optional(),
  service: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
  compressionLevel: z.int().min(0).max(9).optional(),
  excludeTables: strings.optional(),
  excludeTableData: strings.optional(),
  schemas: strings.optional(),
  extraDumpArgs: strings.optional(),
  clean: z.boolean().optional(),
  noOwner: z.boolean().optional(),
  noAcl: z.boolean().optional(),
  restoreSchemas: strings.optional(),
  restoreTables: strings.optional(),
  extraRestoreArgs: strings.optional(),
  postgis: z
    .union([
      z.boolean(),
      z.strictObject({
        adminUrl: z.string().optional(),
        adminRole: z.string().optional(),
        extensions: strings.optional(),
      }),
    ])
    .optional(),
  // The range (1 to 64) is checked where the restore starts, with a hint; here only the type.
  parallelRestore: z.number().optional(),
  binaries: z
    .strictObject({
      pgDump: z.string().optional(),
      pgRestore: z.string().optional(),
      psql: z.string().optional(),
    })
    .optional(),
});

/** Fails to compile when the schema and {@link PgConnectorOptions} stop naming the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
const keysMatch: SameKeys<z.infer<typeof schema>, PgConnectorOptions> = true;
void keysMatch;

/**
 * The zod schema of {@link PgConnectorOptions}: every option, nested objects included, and no
 * other key (`excludeTabels` is an error, not a silently ignored setting). The CLI validates each
 * `databases.<name>` entry of the `pg` connector with it.
 */
export const pgOptionsSchema: z.ZodType<PgConnectorOptions> = schema;
