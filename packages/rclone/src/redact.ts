const MASK = '***';

/** `scheme://user:password@` in URLs. */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]+)@/gi;
/** Secret-looking query parameters of URLs. */
const SECRET_PARAMS =
  /([?&](?:password|passwd|pass|pwd|secret|token|key|access_key|secret_key|sslpassword)=)[^&\s]*/gi;
/**
 * Secret parameters of rclone connection strings, such as `:sftp,host=h,pass=xyz:path` or
 * `:s3,secret_access_key="a,b":bucket`. Values end at `,` `:` or a line break unless quoted
 * (rclone allows spaces in them).
 */
const CONNECTION_STRING_PARAMS =
  /([,:]\s*(?:pass|password|password2|secret_access_key|client_secret|token|key_file_pass|account_key|sas_url|session_token|bearer_token|key_pem|private_key)\s*=\s*)("[^"]*"|'[^']*'|[^,:\n'"]*)/gi;
/** Environment variables whose values are secrets (obscured or not): `RCLONE_CONFIG_X_PASS`, ... */
const SECRET_ENV = /(PASS|SECRET|TOKEN|_KEY$|KEY_|SAS_URL|PRIVATE|CREDENTIAL)/i;

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
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.#secrets.add(encoded);
    return this;
  }

  /** The registered secrets (for passing on to another redactor). */
  get secrets(): readonly string[] {
    return [...this.#secrets];
  }

  /** Returns `text` with every secret masked as `***`. */
  redact(text: string): string {
    let result = text
      .replace(USERINFO, `$1$2:${MASK}@`)
      .replace(SECRET_PARAMS, `$1${MASK}`)
      .replace(CONNECTION_STRING_PARAMS, `$1${MASK}`);
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join(MASK);
    }
    return result;
  }
}
