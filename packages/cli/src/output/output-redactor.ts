import { RcloneRedactor } from '@bk/rclone';

/**
 * The one redactor every byte bk writes passes through: stdout, stderr, `--json`, the run log, the
 * metrics file and notification payloads. It masks URL passwords, credential-looking query
 * parameters and webhook path tokens by structure, plus every secret value the config holds
 * (registered when the config loads, even a config that then fails to validate).
 */
const redactor = new RcloneRedactor();

/** Adds secret values to mask wherever they appear (plain, URL-encoded or JSON-escaped). */
export function registerSecrets(secrets: Iterable<string | undefined>): void {
  for (const secret of secrets) redactor.add(secret);
}

/** `text` with every known secret masked as `***`. */
export function redactOutput(text: string): string {
  return redactor.redact(text);
}
