import { RcloneRedactor } from '@bk/rclone';

/**
 * Masks every known secret in a piece of text: each registered value (plain and URL-encoded),
 * the password of any URL it contains (`postgres://app:***@db/app`), secret-looking URL query
 * parameters and the secret parameters of rclone connection strings. Used on every message, log
 * line and stderr tail before anyone sees it. The same masking as `@bk/rclone`'s, so a secret is
 * masked alike wherever it surfaces.
 */
export class Redactor extends RcloneRedactor {}

/**
 * Replaces the password in a URL's user-info with `***`: `postgres://app:s3cret@db/app` becomes
 * `postgres://app:***@db/app`. Query parameters named like secrets (`password`, `pass`, `secret`,
 * `token`, `key`) are masked too.
 */
export function redactUrl(url: string): string {
  return new Redactor().redact(url);
}

/** Masks `secrets` and URL passwords in `text`. */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  return new Redactor(secrets).redact(text);
}
