import { ConfigError } from '@bk/core';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
/** The same references, for looking around one of them. */
const OTHER_REFERENCES = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a config value with the environment's
 * values. `$${VAR}` stays literally `${VAR}`. A variable that is not set (and has no default) is a
 * config error naming the key that uses it. A variable inside the user-info of a URL
 * (`postgres://app:${DB_PASSWORD}@db/app`) is percent-encoded, so a password holding `/ # ? @ %`
 * stays a password; write it raw in the environment. A default (`:-...`) is URL text, used as written.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, key = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, env, key);
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, `${key}[${index}]`));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        interpolateEnv(item, env, key ? `${key}.${name}` : name),
      ]),
    );
  }
  return value;
}

/**
 * Whether the reference at `offset` sits in the user-info of a URL: after `scheme://` with no
 * `/ ? # @` before it, and followed by an `@` before any `/ ? #`.
 */
function inUserinfo(text: string, offset: number, length: number): boolean {
  const before = text.slice(0, offset);
  const after = text.slice(offset + length).replace(OTHER_REFERENCES, '');
  return (
    /^\s*[a-z][a-z0-9+.-]*:\/\/[^/?#@]*$/i.test(before.replace(OTHER_REFERENCES, '')) &&
    /^[^/?#]*@/.test(after)
  );
}

function interpolateString(text: string, env: NodeJS.ProcessEnv, key: string): string {
  return text
    .replace(REFERENCE, (match, name: string, fallback: string | undefined, offset: number) => {
      if (offset > 0 && text[offset - 1] === '$') return match;
      const found = env[name];
      if (found !== undefined && found !== '') {
        return inUserinfo(text, offset, match.length) ? encodeURIComponent(found) : found;
      }
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`environment variable ${name} is not set`, {
        key,
        hint: `export ${name}, or write \${${name}:-default} to give a default`,
      });
    })
    .replaceAll('$${', '${');
}
