import { urlCredentialSecrets } from '@bk/core';
import { isSecretEnvName } from '@bk/rclone';

/** Keys whose string value is a secret wherever they appear in the config (not `passwordFile`: a path). */
const SECRET_KEY = /(password|passwd|secret|token|apikey|api_key|authorization|private)(?!.*(file|path)$)/i;
/** Query parameters that carry credentials. */
const SECRET_PARAM = /(pass|pwd|secret|token|credential|signature|authorization|private)|(key|sig)$/i;

/** A path segment or query value that looks like a token rather than a word (`T0ABCDEF`, a UUID). */
function tokenLike(text: string): boolean {
  return (text.length >= 8 && /\d/.test(text)) || text.length >= 20;
}

/**
 * The secrets of a webhook URL: the URL itself, its password, its path and query, and each path
 * segment or query value that looks like a token (Slack's `/services/T.../B.../XXX`, a ping UUID).
 */
function webhookSecrets(url: string): string[] {
  const secrets: string[] = [url];
  try {
    const parsed = new URL(url);
    secrets.push(parsed.password, decodeURIComponent(parsed.password));
    if (parsed.pathname !== '/' || parsed.search) secrets.push(`${parsed.pathname}${parsed.search}`);
    for (const segment of parsed.pathname.split('/')) if (tokenLike(segment)) secrets.push(segment);
    for (const [name, value] of parsed.searchParams) {
      if (SECRET_PARAM.test(name) || tokenLike(value)) secrets.push(value);
    }
  } catch {
    // not a URL: the whole text is the secret
  }
  return secrets;
}

/** The secrets of any URL-like text: its password, and the values of credential-looking query parameters. */
function urlSecrets(text: string): string[] {
  const secrets = urlCredentialSecrets(text);
  for (const match of text.matchAll(/[?&;]([^=&\s#]+)=([^&\s#]*)/g)) {
    if (SECRET_PARAM.test(match[1] ?? '')) secrets.push(match[2] ?? '');
  }
  return secrets;
}

/**
 * Every secret value a config holds, for the output redactor: passwords in database URLs (even
 * URLs too broken to parse), webhook URLs (their user-info, path and query), notifier headers,
 * rclone environment secrets and any value under a key named like a secret (`password`, `token`).
 * Walks the raw config after `${VAR}` interpolation, before validation, so a config that fails to
 * load is masked too.
 */
export function collectConfigSecrets(config: unknown): string[] {
  const secrets: string[] = [];
  const walk = (value: unknown, key: string, path: string): void => {
    if (typeof value === 'string') {
      if (SECRET_KEY.test(key)) secrets.push(value);
      if (value.includes('://')) secrets.push(...urlSecrets(value));
      if (/^notify\[\d+\]\.url$/.test(path)) secrets.push(...webhookSecrets(value));
      if (/^notify\[\d+\]\.headers\./.test(path)) secrets.push(value, value.replace(/^\S+\s+/, ''));
      if (/^rclone\.env\./.test(path) && isSecretEnvName(key)) secrets.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, key, `${path}[${index}]`);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) walk(item, name, path ? `${path}.${name}` : name);
    }
  };
  walk(config, '', '');
  return secrets.filter((secret) => secret.length >= 3);
}
