import { ConfigError } from '../errors/config-error.js';

const SCHEME = /^\s*[a-z][a-z0-9+.-]*:\/\//i;

/** The text between `scheme://` and the last `@` of a URL: where user and password are, if anywhere. */
function userinfoCandidate(url: string): string | undefined {
  const scheme = SCHEME.exec(url);
  if (!scheme) return undefined;
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  return at === -1 ? undefined : rest.slice(0, at);
}

/**
 * Why a URL's user-info cannot be read safely, or `undefined` when it can. Parsers disagree on a
 * user-info holding an unencoded `/`, `?`, `#` or `@` (the password spills into the host or the
 * path, and then into messages), and a `%` not followed by two hex digits cannot be decoded.
 */
export function unsafeUserinfoReason(url: string): string | undefined {
  const userinfo = userinfoCandidate(url);
  if (userinfo === undefined) return undefined;
  if (/[/?#@]/.test(userinfo)) return 'an unencoded / ? # or @ before the last @';
  if (/%(?![0-9a-f]{2})/i.test(userinfo)) return 'a % that is not followed by two hex digits';
  return undefined;
}

/**
 * Throws a `ConfigError` naming `key` (never showing the URL, which may hold a password) when the
 * user name or password of `url` has characters that must be percent-encoded. Every connector
 * calls it before parsing a URL, and the CLI at config load.
 */
export function assertUrlCredentialsEncoded(url: string, key: string): void {
  const reason = unsafeUserinfoReason(url);
  if (reason === undefined) return;
  throw new ConfigError(
    `the URL cannot be read safely: it has ${reason} (the URL is not shown: it may hold a password)`,
    {
      key,
      hint: 'percent-encode / ? # @ % in the user and password (%2F %3F %23 %40 %25), and any @ after the host; a password interpolated from an environment variable is encoded for you',
    },
  );
}

/**
 * Every form in which the credentials of `url` could surface in text, for a redactor: the raw
 * password (everything between the first `:` of the user-info and the last `@`), its decoded form,
 * and, for a user-info that cannot be read safely, the whole user-info. Empty when the URL has none.
 */
export function urlCredentialSecrets(url: string): string[] {
  const userinfo = userinfoCandidate(url);
  if (userinfo === undefined) return [];
  const secrets = new Set<string>();
  const colon = userinfo.indexOf(':');
  if (colon !== -1) {
    const raw = userinfo.slice(colon + 1);
    secrets.add(raw);
    try {
      secrets.add(decodeURIComponent(raw));
    } catch {
      // not decodable: the raw form is all there is
    }
  }
  if (unsafeUserinfoReason(url) !== undefined) secrets.add(userinfo);
  return [...secrets].filter((secret) => secret.length > 0);
}
