import { ConfigError } from '../errors/config-error.js';
import { formatTimestamp } from './timestamp.js';

/** The filename template used when none is configured. */
export const DEFAULT_FILENAME_TEMPLATE = '{database}-{datetime}.{ext}';

const PLACEHOLDERS = new Set(['database', 'datetime', 'ext', 'host']);
const TOKEN = /\{([^{}]*)\}/g;

/**
 * Checks a backup filename template. Placeholders: `{database}` (the alias), `{datetime}` (UTC
 * `YYYY-MM-DD-HHMMSS`), `{ext}` (the connector's extension), `{host}`. `{database}` and
 * `{datetime}` are required (names must be unique and attributable); `/`, `\`, `..`, stray braces
 * and unknown placeholders are rejected.
 *
 * @param key - config key named in the error. @default "db.filenameTemplate"
 * @throws {@link ConfigError} when the template is not usable.
 */
export function validateFilenameTemplate(template: string, key = 'db.filenameTemplate'): void {
  const fail = (why: string): never => {
    throw new ConfigError(`invalid filename template ${JSON.stringify(template)}: ${why}`, {
      key,
      hint: `use placeholders {database}, {datetime}, {ext}, {host}, e.g. "${DEFAULT_FILENAME_TEMPLATE}"`,
    });
  };
  if (typeof template !== 'string' || template.trim() === '') fail('it is empty');
  if (template.includes('/') || template.includes('\\')) fail('it must not contain / or \\');
  if (template.includes('..')) fail('it must not contain ..');
  if (template.endsWith('.json')) fail('it must not end with .json (reserved for manifests)');
  for (const match of template.matchAll(TOKEN)) {
    const name = match[1] ?? '';
    if (!PLACEHOLDERS.has(name)) fail(`unknown placeholder {${name}}`);
  }
  const rest = template.replace(TOKEN, '');
  if (rest.includes('{') || rest.includes('}')) fail('unbalanced { or }');
  if (!template.includes('{database}')) fail('it must contain {database}');
  if (!template.includes('{datetime}')) fail('it must contain {datetime}');
}

/** Values substituted into a filename template. */
export interface FilenameValues {
  /** Database alias. */
  database: string;
  /** Backup time, rendered in UTC as `YYYY-MM-DD-HHMMSS`. */
  date: Date;
  /** Connector extension, without a dot. */
  ext: string;
  /** Host name. */
  host: string;
}

/**
 * Renders a backup filename from a template (see {@link validateFilenameTemplate}).
 * Characters that are unsafe in object names (`/`, `\`, control characters) in the values are
 * replaced by `_`.
 *
 * @throws {@link ConfigError} when the template is invalid.
 */
export function renderFilename(template: string, values: FilenameValues): string {
  validateFilenameTemplate(template);
  const safe = (value: string) => value.replace(/[/\\\p{Cc}]/gu, '_').replace(/\.\.+/g, '_');
  const replacements: Record<string, string> = {
    database: safe(values.database),
    datetime: formatTimestamp(values.date),
    ext: safe(values.ext),
    host: safe(values.host),
  };
  return template.replace(TOKEN, (_, name: string) => replacements[name] ?? '');
}
