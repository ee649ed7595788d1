import type { MysqlConnection } from './types.js';

/** Which family of client tools reads the file: option names differ for TLS. */
export type ToolFlavor = 'mariadb' | 'mysql';

/**
 * Quotes a value for a MySQL option file: wrapped in double quotes, with `\`, `"`, `'`, newlines,
 * tabs and carriage returns escaped, so `#`, `;`, spaces and quotes survive as written.
 */
export function quoteOptionValue(value: string): string {
  const escaped = value.replace(/[\\"'\n\r\t\b]/g, (char) => {
    switch (char) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      case '\b':
        return '\\b';
      default:
        return `\\${char}`;
    }
  });
  return `"${escaped}"`;
}

/** TLS lines for MariaDB tools, which have `ssl`/`skip-ssl`/`ssl-verify-server-cert` instead of `ssl-mode`. */
function mariadbTlsLines(mode: MysqlConnection['tls']['mode']): string[] {
  switch (mode) {
    case 'DISABLED':
      return ['skip-ssl'];
    case 'REQUIRED':
      return ['ssl'];
    case 'VERIFY_CA':
    case 'VERIFY_IDENTITY':
      return ['ssl', 'ssl-verify-server-cert'];
    default:
      return [];
  }
}

/**
 * Renders the `[client]` section of the `--defaults-extra-file` that carries every connection
 * option, credentials included: `user`, `password`, `host`, `port`, `socket`, `protocol` and TLS.
 * The caller writes it with `createSecretFile` (mode 0600) and passes it as the first argument.
 */
export function renderDefaultsFile(connection: MysqlConnection, flavor: ToolFlavor): string {
  const lines = ['[client]'];
  const add = (key: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '') lines.push(`${key}=${quoteOptionValue(String(value))}`);
  };
  add('user', connection.user);
  add('password', connection.password);
  add('host', connection.host);
  add('port', connection.port);
  add('socket', connection.socket);
  add('protocol', connection.protocol);
  const { tls } = connection;
  if (flavor === 'mysql') add('ssl-mode', tls.mode);
  else lines.push(...mariadbTlsLines(tls.mode));
  add('ssl-ca', tls.ca);
  add('ssl-cert', tls.cert);
  add('ssl-key', tls.key);
  return `${lines.join('\n')}\n`;
}
