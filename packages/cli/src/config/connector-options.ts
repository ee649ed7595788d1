import { ConfigError } from '@bk/core';
import type { z } from 'zod';
import { CONNECTOR_PACKAGES, importIfInstalled } from './connector-package.js';
import { suggestName } from './suggest.js';
import type { ConnectorName } from './types.js';

type Schema = z.ZodType;

/**
 * Each built-in connector's option schema, exported by its own package (imported when needed);
 * `undefined` when that package is not installed (the command that uses it says so).
 */
const schemas: Record<ConnectorName, () => Promise<Schema | undefined>> = {
  pg: async () =>
    (await importIfInstalled(CONNECTOR_PACKAGES.pg, () => import('@bk/connector-pg')))?.pgOptionsSchema,
  mysql: async () =>
    (await importIfInstalled(CONNECTOR_PACKAGES.mysql, () => import('@bk/connector-mysql')))
      ?.mysqlOptionsSchema,
  sqlite: async () =>
    (await importIfInstalled(CONNECTOR_PACKAGES.sqlite, () => import('@bk/connector-sqlite')))
      ?.sqliteOptionsSchema,
  mongo: async () =>
    (await importIfInstalled(CONNECTOR_PACKAGES.mongo, () => import('@bk/connector-mongo')))
      ?.mongoOptionsSchema,
};

/**
 * Checks the options of one database against its connector's schema: an unknown key (at any
 * depth) is a `ConfigError` naming it in full, `databases.main.excludeTabels: unknown option; did
 * you mean excludeTables?`, and so is a value of the wrong type. Skipped when the connector's
 * package is not installed: using that database then fails with `BK_CONNECTOR_NOT_INSTALLED`.
 */
export async function validateConnectorOptions(
  connector: ConnectorName,
  options: Record<string, unknown>,
  key: string,
): Promise<void> {
  const schema = await schemas[connector]();
  if (schema === undefined) return;
  const result = schema.safeParse(options);
  if (result.success) return;
  // An unknown key says the most (a misspelled key also leaves a required one missing).
  const issues = result.error.issues.map((found) => innermost(found as z.core.$ZodIssue));
  const issue = issues.find((found) => found.code === 'unrecognized_keys') ?? (issues[0] as z.core.$ZodIssue);
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] as string;
    const suggestion = suggestName(unknown, knownKeys(schema, issue.path));
    throw new ConfigError(`unknown option${suggestion ? `; did you mean ${suggestion}?` : ''}`, {
      key: joinKey(key, [...issue.path, unknown]),
      hint: `see the ${connector} connector's options in docs/connectors.md`,
    });
  }
  throw new ConfigError(issue.message.replace(/^Invalid (input|option): /, ''), {
    key: joinKey(key, issue.path),
  });
}

/** For a union (`postgis: true | {...}`), the issue of the branch that got the right type says more. */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  for (const branch of issue.errors) {
    const [first] = branch;
    if (first && !(first.code === 'invalid_type' && first.path.length === 0)) {
      return innermost({ ...first, path: [...issue.path, ...first.path] } as z.core.$ZodIssue);
    }
  }
  return issue;
}

/** `databases.main` + `['rename', 0, 'too']` → `databases.main.rename[0].too`. */
function joinKey(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`),
    base,
  );
}

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  element?: Schema;
  options?: Schema[];
  valueType?: Schema;
}

function def(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The keys an object schema accepts at `path` (through optionals, arrays, records and unions). */
function knownKeys(schema: Schema, path: readonly PropertyKey[]): string[] {
  let current: Schema | undefined = schema;
  for (let index = 0; index <= path.length && current !== undefined; ) {
    const node = def(current);
    if (node.type === 'optional' || node.type === 'nullable' || node.type === 'default') {
      current = node.innerType;
    } else if (node.type === 'union') {
      current = node.options?.find((option) => def(option).type === 'object');
    } else if (index === path.length) {
      return node.type === 'object' ? Object.keys(node.shape ?? {}) : [];
    } else if (node.type === 'object') {
      current = node.shape?.[String(path[index])];
      index++;
    } else if (node.type === 'array') {
      current = node.element;
      index++;
    } else if (node.type === 'record') {
      current = node.valueType;
      index++;
    } else {
      return [];
    }
  }
  return [];
}
