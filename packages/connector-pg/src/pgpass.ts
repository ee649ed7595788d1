import { createSecretFile, type SecretFile } from '@bk/core';

/** Escapes `\` and `:` for a `.pgpass` field. */
export function escapePgpassField(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
}

/**
 * Writes a 0600 password file matching any host, port, database and user (`*:*:*:*:password`)
 * for one command's connection. Pass its path as `PGPASSFILE`; close it when the command has exited.
 */
export function createPgpassFile(password: string): Promise<SecretFile> {
  return createSecretFile(`*:*:*:*:${escapePgpassField(password)}\n`, { name: 'pgpass' });
}
