import { z } from 'zod';
import { opsConfigShape } from './ops-schema.js';

/** The URL schemes bk knows, and the connector each one selects. */
export const URL_SCHEMES: ReadonlyArray<
  readonly [prefix: string, connector: 'pg' | 'mysql' | 'sqlite' | 'mongo']
> = [
  ['postgres://', 'pg'],
  ['postgresql://', 'pg'],
  ['mysql://', 'mysql'],
  ['mariadb://', 'mysql'],
  ['sqlite:', 'sqlite'],
  ['mongodb://', 'mongo'],
  ['mongodb+srv://', 'mongo'],
];

/** The message for a database URL bk cannot use. */
export const URL_EXPECTED = 'expected a postgres://, mysql://, mariadb://, sqlite: or mongodb:// URL';

/** The connector a URL selects, or `undefined` for an unknown scheme. */
export function connectorForUrl(url: string): 'pg' | 'mysql' | 'sqlite' | 'mongo' | undefined {
  const lower = url.trim().toLowerCase();
  return URL_SCHEMES.find(([prefix]) => lower.startsWith(prefix))?.[1];
}

const databaseUrl = z.string().refine((url) => connectorForUrl(url) !== undefined, { error: URL_EXPECTED });

const keepRules = z.strictObject({
  last: z.number().optional(),
  hourly: z.number().optional(),
  daily: z.number().optional(),
  weekly: z.number().optional(),
  monthly: z.number().optional(),
  yearly: z.number().optional(),
  within: z.string().optional(),
});

const keep = z.union([z.number(), keepRules], {
  error:
    'expected a number (keep the last N) or an object of rules (last, hourly, daily, weekly, monthly, yearly, within)',
});

/** Whether `name` is a built-in connector; any other `connector` is a module specifier (a custom connector). */
export function isBuiltInConnector(name: string): name is 'pg' | 'mysql' | 'sqlite' | 'mongo' {
  return name === 'pg' || name === 'mysql' || name === 'sqlite' || name === 'mongo';
}

const databaseObject = z
  .looseObject({
    connector: z.string().min(1, { error: 'expected pg, mysql, sqlite, mongo or a module path' }).optional(),
    url: z.string().optional(),
    passwordFile: z.string().optional(),
    path: z.string().optional(),
    keep: keep.optional(),
  })
  .superRefine((database, context) => {
    if (!database.connector && !database.url) {
      context.addIssue({
        code: 'custom',
        message: 'give a "url" or name a "connector" (pg, mysql, sqlite, mongo, or a module path)',
      });
    }
    const custom = database.connector !== undefined && !isBuiltInConnector(database.connector);
    if (database.url !== undefined && !custom && connectorForUrl(database.url) === undefined) {
      context.addIssue({ code: 'custom', message: URL_EXPECTED, path: ['url'] });
    }
  });

const database = z.union([databaseUrl, databaseObject], {
  error: (issue) =>
    typeof issue.input === 'string'
      ? URL_EXPECTED
      : `expected a connection URL or an options object with "url" or "connector"`,
});

/** zod schema of the bk config file. Unknown keys are rejected so typos surface. */
export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  remote: z.string().min(1, { error: 'expected an rclone remote or a local directory' }).optional(),
  rclone: z
    .strictObject({
      configFile: z.string().optional(),
      flags: z.array(z.string()).optional(),
      env: z.record(z.string(), z.string()).optional(),
      binary: z.string().optional(),
    })
    .optional(),
  databases: z
    // Aliases are checked before the schema (validateDatabaseAlias), with a message naming them.
    .record(z.string(), database)
    .optional(),
  db: z
    .strictObject({
      filenameTemplate: z.string().optional(),
      keep: keep.optional(),
      concurrency: z
        .int({ error: 'expected a whole number of 1 or more' })
        .min(1, { error: 'expected a whole number of 1 or more' })
        .optional(),
      countRows: z.boolean().optional(),
    })
    .optional(),
  media: z
    .strictObject({
      root: z.string().min(1),
      exclude: z.array(z.string()).optional(),
      keep: keep.optional(),
      maxDeleteShare: z
        .number({ error: 'expected a share from 0 to 1, such as 0.5' })
        .min(0, { error: 'expected a share from 0 to 1, such as 0.5' })
        .max(1, { error: 'expected a share from 0 to 1, such as 0.5' })
        .optional(),
    })
    .optional(),
  ...opsConfigShape,
});

/** The config as the schema accepts it. */
export type ParsedConfig = z.infer<typeof configSchema>;
