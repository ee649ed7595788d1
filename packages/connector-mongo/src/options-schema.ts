import { z } from 'zod';
import type { MongoConnectorOptions } from './types.js';

const strings = z.array(z.string());

const schema = z.strictObject({
  url: z.string().optional(),
  host: z.string().optional(),
  port: z.int().min(1).max(65535).optional(),
  user: z.string().optional(),
  password: z.string().optional(),
  authSource: z.string().optional(),
  tls: z.boolean().optional(),
  replicaSet: z.string().optional(),
  database: z.string().optional(),
  readPreference: z.string().optional(),
  gzip: z.boolean().optional(),
  drop: z.boolean().optional(),
  stopOnError: z.boolean().optional(),
  collection: z.string().optional(),
  excludeCollections: strings.optional(),
  excludeTables: strings.optional(),
  excludeCollectionsWithPrefix: strings.optional(),
  restoreCollections: strings.optional(),
  nsInclude: strings.optional(),
  nsExclude: strings.optional(),
  rename: z.array(z.strictObject({ from: z.string(), to: z.string() })).optional(),
  allowEmpty: z.boolean().optional(),
  dumpArgs: strings.optional(),
  restoreArgs: strings.optional(),
  mongodumpPath: z.string().optional(),
  mongorestorePath: z.string().optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});

/** Fails to compile when the schema and {@link MongoConnectorOptions} stop naming the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
const keysMatch: SameKeys<z.infer<typeof schema>, MongoConnectorOptions> = true;
void keysMatch;

/**
 * The zod schema of {@link MongoConnectorOptions}: every option, `rename` entries included, and no
 * other key (`excludeCollection` is an error, not a silently ignored setting). The CLI validates
 * each `databases.<name>` entry of the `mongo` connector with it.
 */
export const mongoOptionsSchema: z.ZodType<MongoConnectorOptions> = schema;
