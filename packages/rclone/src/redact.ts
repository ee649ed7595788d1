const MASK = '***';

/**
 * `scheme://user:password@` in URLs. The password runs to the LAST `@` of the URL-like token, so an
 * unencoded `/`, `?`, `#` or `@` in it (which parsers read as the start of a path or host) is
 * masked whole; a token ends at whitespace or a quote.
 */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s"'<>]*):([^\s"'<>]*)@/gi;
/** Query parameters of URLs, `?name=value` or `&name=value`; the value is masked when the name looks secret. */
const QUERY_PARAM = /([?&;])([^=&\s#"'<>]+)=([^&\s#"'<>]*)/g;
/** Parameter names that hold credentials: `password`, `token`, `access_token`, `sig`, `X-Amz-Signature`, `api_key`... */
const SECRET_PARAM_NAME = /(pass|pwd|secret|token|credential|signature|authorization|private)|(key|sig)$/i;
/** Webhook URLs whose path is the credential (Slack, Discord, healthchecks.io pings). */
const PATH_TOKENS =
  /((?:hooks\.slack\.com\/(?:services|workflows|triggers)|discord(?:app)?\.com\/api\/webhooks|hc-ping\.com)\/)[^\s"'<>?#]+/gi;
/**
 * Secret parameters of rclone connection strings, such as `:sftp,host=h,pass=xyz:path` or
 * `:s3,secret_access_key="a,b":bucket`. Values end at `,` `:` or a line break unless quoted
 * (rclone allows spaces in them).
 */
const CONNECTION_STRING_PARAMS =
  /([,:]\s*(?:pass|password|password2|secret_access_key|client_secret|token|key_file_pass|account_key|sas_url|session_token|bearer_token|key_pem|private_key)\s*=\s*)("[^"]*"|'[^']*'|[^,:\n'"]*)/gi;
/** Environment variables whose values are secrets (obscured or not): `RCLONE_CONFIG_X_PASS`, ... */
const SECRET_ENV = /(PASS|SECRET|TOKEN|_KEY$|KEY_|SAS_URL|PRIVATE|CREDENTIAL)/i;

/** `secret` as it appears URL-encoded, and inside a JSON string (plain and URL-encoded). */
function secretForms(secret: string): string[] {
  try {
    const encoded = encodeURIComponent(secret);
    return [
      encoded,
      encodeURI(secret),
      JSON.stringify(secret).slice(1, -1),
      JSON.stringify(encoded).slice(1, -1),
    ];
  } catch {
    // a lone surrogate cannot be URL-encoded
    return [JSON.stringify(secret).slice(1, -1)];
  }
}

/** True when an environment variable name looks like it holds a secret. */
export function isSecretEnvName(name: string): boolean {
  return SECRET_ENV.test(name) && !/_TYPE$/i.test(name);
}

/**
 * Masks secrets in text shown to people: registered values, URL passwords and secret parameters
 * of rclone connection strings.
 */
export class RcloneRedactor {
  readonly #secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Registers a secret; values shorter than 3 characters are ignored (they would mask ordinary text). */
  add(secret: string | undefined): this {
    if (!secret || secret.length < 3) return this;
    this.#secrets.add(secret);
    // The forms a secret takes in a URL, in a URL's query, and inside a JSON string.
    for (const form of secretForms(secret)) if (form !== secret) this.#secrets.add(form);
    return this;
  }

  /** The registered secrets (for passing on to another redactor). */
  get secrets(): readonly string[] {
    return [...this.#secrets];
  }

  /** Returns `text` with every secret masked as `***`. */
  redact(text: string): string {
    let result = text;
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(MASK);
    }
    result = result
      .replace(USERINFO, `$1$2:${MASK}@`)
      .replace(QUERY_PARAM, (match, separator: string, name: string, value: string) =>
        value !== '' && value !== MASK && SECRET_PARAM_NAME.test(name)
          ? `${separator}${name}=${MASK}`
          : match,
      )
      .replace(PATH_TOKENS, `$1${MASK}`)
      .replace(CONNECTION_STRING_PARAMS, `$1${MASK}`);
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(MASK);
    }
    return result;
  }
}
