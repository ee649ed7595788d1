import { ConfigError } from '@bk/core';
import type { MongoConnectorOptions } from './types.js';

/** Escapes `\` and `*` in a literal name used inside an `--nsInclude`/`--nsExclude` pattern. */
export function escapeNamespacePart(name: string): string {
  return name.replaceAll('\\', '\\\\').replaceAll('*', '\\*');
}

/** Every collection to leave out of dumps (`excludeCollections` plus its alias `excludeTables`). */
export function excludedCollections(options: MongoConnectorOptions): string[] {
  return [...new Set([...(options.excludeCollections ?? []), ...(options.excludeTables ?? [])])];
}

/** Rejects option combinations the tools would reject later, with the option to fix. */
export function validateOptions(options: MongoConnectorOptions, database: string | undefined): void {
  if (options.collection !== undefined) {
    if (database === undefined) {
      throw new ConfigError('collection needs a database', { key: 'collection' });
    }
    if (excludedCollections(options).length > 0 || (options.excludeCollectionsWithPrefix ?? []).length > 0) {
      throw new ConfigError('collection cannot be combined with excludeCollections (mongodump refuses it)', {
        key: 'collection',
      });
    }
  }
  for (const [key, values] of Object.entries({
    dumpArgs: options.dumpArgs ?? [],
    restoreArgs: options.restoreArgs ?? [],
  })) {
    for (const value of values) {
      if (/^--(uri|password|config|sslPEMKeyPassword)\b|^-p$/.test(value)) {
        throw new ConfigError(
          `${key} must not carry ${value.split('=')[0]}: credentials go in the config file`,
          {
            key,
            hint: 'give the password in the URL or the password option; bk writes it to a 0600 --config file',
          },
        );
      }
    }
  }
}

/** `mongodump` arguments, without `--config`. */
export function buildDumpArgs(
  options: MongoConnectorOptions,
  resolved: { database: string | undefined; readPreference: string | undefined },
): string[] {
  const args = ['--archive'];
  if (resolved.database !== undefined) args.push(`--db=${resolved.database}`);
  if (options.collection !== undefined) args.push(`--collection=${options.collection}`);
  for (const name of excludedCollections(options)) args.push(`--excludeCollection=${name}`);
  for (const prefix of options.excludeCollectionsWithPrefix ?? []) {
    args.push(`--excludeCollectionsWithPrefix=${prefix}`);
  }
  if (resolved.readPreference !== undefined) args.push(`--readPreference=${resolved.readPreference}`);
  if (options.gzip) args.push('--gzip');
  args.push(...(options.dumpArgs ?? []));
  return args;
}

/** `mongorestore` arguments, without `--config`. `gzip` is what the input's first bytes say. */
export function buildRestoreArgs(
  options: MongoConnectorOptions,
  resolved: { database: string | undefined; gzip: boolean },
): string[] {
  const args = ['--archive'];
  if (resolved.gzip) args.push('--gzip');
  if (options.drop ?? true) args.push('--drop');
  if (options.stopOnError ?? true) args.push('--stopOnError');
  for (const name of options.restoreCollections ?? [])
    args.push(`--nsInclude=*.${escapeNamespacePart(name)}`);
  for (const pattern of options.nsInclude ?? []) args.push(`--nsInclude=${pattern}`);
  for (const pattern of options.nsExclude ?? []) args.push(`--nsExclude=${pattern}`);
  const renames = [...(options.rename ?? [])];
  // Whatever database the archive was dumped from, restore into this connector's database.
  if (resolved.database !== undefined) {
    renames.unshift({ from: '$db$.$collection$', to: `${resolved.database}.$collection$` });
  }
  for (const { from, to } of renames) args.push(`--nsFrom=${from}`, `--nsTo=${to}`);
  args.push(...(options.restoreArgs ?? []));
  return args;
}
