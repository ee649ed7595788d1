import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import {
  assertUrlCredentialsEncoded,
  ConfigError,
  urlCredentialSecrets,
  validateFilenameTemplate,
  validateKeepPolicy,
} from '@bk/core';
import type { z } from 'zod';
import { registerSecrets } from '../output/output-redactor.js';
import { collectConfigSecrets } from './config-secrets.js';
import { validateConnectorOptions } from './connector-options.js';
import { resolveConnectorModule } from './custom-connector.js';
import { validateDatabaseAlias } from './database-alias.js';
import { discoverConfigFile } from './discover.js';
import { interpolateEnv } from './interpolate.js';
import { resolveOpsConfig } from './ops-config.js';
import { readConfigFile } from './read-config-file.js';
import {
  configSchema,
  connectorForUrl,
  isBuiltInConnector,
  type ParsedConfig,
  URL_EXPECTED,
} from './schema.js';
import type { ResolvedConfig, ResolvedDatabase } from './types.js';

/** Where to look for the config, and the environment to read. */
export interface LoadConfigOptions {
  /** `--config FILE`, if given. */
  configOption?: string | undefined;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  cwd?: string;
}

/**
 * Finds, reads and validates the config, interpolates `${VAR}`, makes relative paths absolute
 * (relative to the config file), reads `passwordFile`s and fills `remote` and `databases.default`
 * from `BK_REMOTE` and `DATABASE_URL` when the config does not set them.
 *
 * @throws `ConfigError` pointing at the offending key.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = discoverConfigFile({ configOption: options.configOption, env, cwd });
  const raw = file === undefined ? {} : await readConfigFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      `the config must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`,
      {
        hint: file ? `fix ${file}` : undefined,
      },
    );
  }
  if (env.DATABASE_URL) registerSecrets(urlCredentialSecrets(env.DATABASE_URL));
  const interpolated = interpolateEnv(raw, env) as Record<string, unknown>;
  // Secrets are known before anything is validated: a config that fails still prints none.
  registerSecrets(collectConfigSecrets(interpolated));
  const aliases = interpolated.databases;
  if (aliases !== null && typeof aliases === 'object' && !Array.isArray(aliases)) {
    for (const alias of Object.keys(aliases)) validateDatabaseAlias(alias);
  }
  const parsed = parseConfig(interpolated, file);
  const base = file === undefined ? cwd : dirname(file);

  const remote = parsed.remote ?? (env.BK_REMOTE || undefined);
  const remoteBase = parsed.remote !== undefined ? base : cwd;
  const entries = Object.entries(parsed.databases ?? {});
  const databases =
    entries.length > 0 || !env.DATABASE_URL
      ? await Promise.all(entries.map(([name, entry]) => resolveDatabase(name, entry, base)))
      : [await resolveDatabase('default', checkEnvUrl(env.DATABASE_URL), cwd)];

  const keep = parsed.db?.keep === undefined ? undefined : validateKeepPolicy(parsed.db.keep, 'db.keep');
  const template = parsed.db?.filenameTemplate;
  if (template !== undefined) validateFilenameTemplate(template, 'db.filenameTemplate');
  const mediaKeep =
    parsed.media?.keep === undefined ? undefined : validateKeepPolicy(parsed.media.keep, 'media.keep');

  return {
    file,
    remote: remote === undefined ? undefined : resolveRemote(remote, remoteBase),
    rclone: {
      ...parsed.rclone,
      ...(parsed.rclone?.configFile ? { configFile: resolvePath(parsed.rclone.configFile, base) } : {}),
    },
    databases,
    db: {
      filenameTemplate: template,
      keep,
      concurrency: parsed.db?.concurrency ?? 2,
      countRows: parsed.db?.countRows ?? true,
    },
    media: parsed.media && {
      root: resolvePath(parsed.media.root, base),
      exclude: parsed.media.exclude ?? [],
      ...(mediaKeep !== undefined ? { keep: mediaKeep } : {}),
      ...(parsed.media.maxDeleteShare !== undefined ? { maxDeleteShare: parsed.media.maxDeleteShare } : {}),
    },
    ops: resolveOpsConfig(parsed, (path) => resolvePath(path, base)),
  };
}

function parseConfig(value: unknown, file: string | undefined): ParsedConfig {
  const result = configSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = innermost(result.error.issues[0] as z.core.$ZodIssue);
  const key = formatKey(issue.path);
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  throw new ConfigError(`${issueMessage(issue)}${more}`, {
    key: key || undefined,
    hint: file ? `fix ${relative(process.cwd(), file) || file}` : undefined,
  });
}

/**
 * For a value matching no branch of a union (a database entry), the issue of the branch of the
 * right type says more (`databases.default.connector: ...`) than the union's summary.
 */
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

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message.replace(/^Invalid (input|option): /, '');
}

function formatKey(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`))
    .join('');
}

function checkEnvUrl(url: string): string {
  if (connectorForUrl(url) === undefined) throw new ConfigError(URL_EXPECTED, { key: 'DATABASE_URL' });
  assertUrlCredentialsEncoded(url, 'DATABASE_URL');
  return url;
}

async function resolveDatabase(
  name: string,
  entry: string | Record<string, unknown>,
  base: string,
): Promise<ResolvedDatabase> {
  const key = `databases.${name}`;
  const {
    connector: named,
    passwordFile,
    keep,
    ...rest
  } = typeof entry === 'string' ? { url: entry } : entry;
  const url = typeof rest.url === 'string' ? rest.url : undefined;
  const custom = typeof named === 'string' && !isBuiltInConnector(named) ? named : undefined;
  const connector =
    custom !== undefined
      ? 'custom'
      : ((named as ResolvedDatabase['connector'] | undefined) ?? (url ? connectorForUrl(url) : undefined));
  if (connector === undefined) throw new ConfigError(URL_EXPECTED, { key });
  if (url !== undefined && custom === undefined) {
    assertUrlCredentialsEncoded(url, typeof entry === 'string' ? key : `${key}.url`);
  }
  if (connector !== 'custom') await validateConnectorOptions(connector, rest, key);
  const module =
    custom === undefined ? undefined : await resolveConnectorModule(custom, base, `${key}.connector`);
  const options: Record<string, unknown> = { ...rest };
  if (connector === 'sqlite') {
    const path =
      typeof rest.path === 'string' ? rest.path : url ? await sqlitePathFromUrl(url, key) : undefined;
    if (!path) throw new ConfigError('a sqlite database needs a file: sqlite:./data.db or "path"', { key });
    options.path = resolvePath(path, base);
    delete options.url;
  }
  if (typeof passwordFile === 'string') {
    const file = resolvePath(passwordFile, base);
    try {
      options.password = (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
      registerSecrets([options.password as string]);
    } catch (error) {
      throw new ConfigError(
        `cannot read password file ${passwordFile}: ${(error as NodeJS.ErrnoException).code}`,
        {
          key: `${key}.passwordFile`,
          cause: error,
        },
      );
    }
  }
  return {
    name,
    connector,
    ...(module !== undefined ? { module } : {}),
    options,
    ...(keep !== undefined ? { keep: validateKeepPolicy(keep, `${key}.keep`) } : {}),
  };
}

/** `sqlite:./a.db`, `sqlite:a.db`, `sqlite:/abs/a.db`, `sqlite:///abs/a.db` → the file path. */
async function sqlitePathFromUrl(url: string, key: string): Promise<string> {
  const { parseSqliteUrl } = await import('@bk/connector-sqlite');
  try {
    return parseSqliteUrl(url.trim());
  } catch (error) {
    const failure = error as Error & { hint?: string };
    throw new ConfigError(failure.message, { key, hint: failure.hint, cause: error });
  }
}

function resolvePath(path: string, base: string): string {
  if (path === '~' || path.startsWith('~/')) return resolve(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** A remote without `name:` (or `:backend:`) before its first `/` is a local directory. */
function resolveRemote(remote: string, base: string): string {
  const colon = remote.indexOf(':');
  const slash = remote.indexOf('/');
  const isRclone = colon > 0 ? slash === -1 || colon < slash : colon === 0;
  return isRclone ? remote : resolvePath(remote, base);
}
