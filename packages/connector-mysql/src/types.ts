/**
 * TLS settings. Each one is written to the `--defaults-extra-file`, never to argv.
 * `mode` follows MySQL's `--ssl-mode`; for MariaDB client tools (which have no `ssl-mode`) it is
 * translated to `skip-ssl` (DISABLED), `ssl` (REQUIRED) and `ssl` + `ssl-verify-server-cert`
 * (VERIFY_CA, VERIFY_IDENTITY). MariaDB clients before 11.4 still fall back to plain text with
 * `ssl` alone when the server has no TLS: use a VERIFY mode to make TLS mandatory there.
 */
export interface MysqlTlsOptions {
  /**
   * How strictly to use TLS: `DISABLED`, `PREFERRED`, `REQUIRED`, `VERIFY_CA` or `VERIFY_IDENTITY`.
   * @example 'VERIFY_IDENTITY'
   * @default undefined (the client tool's own default)
   */
  mode?: MysqlSslMode;
  /**
   * Path of the CA certificate file (`ssl-ca`).
   * @example '/etc/ssl/certs/db-ca.pem'
   * @default undefined
   */
  ca?: string;
  /**
   * Path of the client certificate file (`ssl-cert`).
   * @example '/etc/bk/client-cert.pem'
   * @default undefined
   */
  cert?: string;
  /**
   * Path of the client key file (`ssl-key`).
   * @example '/etc/bk/client-key.pem'
   * @default undefined
   */
  key?: string;
}

/** Values of MySQL's `--ssl-mode`. */
export type MysqlSslMode = 'DISABLED' | 'PREFERRED' | 'REQUIRED' | 'VERIFY_CA' | 'VERIFY_IDENTITY';

/** Options of {@link createMysqlConnector} and {@link MysqlConnector}. */
export interface MysqlConnectorOptions {
  /**
   * A connection URL, `mysql://` or `mariadb://`. Fields given next to it override its parts.
   * @example 'mysql://app:s3cret@127.0.0.1:3306/app?ssl-mode=REQUIRED'
   * @default undefined
   */
  url?: string;
  /**
   * Server host name or address.
   * @example 'db.internal'
   * @default 'localhost' (the client tools then use the local socket)
   */
  host?: string;
  /**
   * TCP port.
   * @example 3307
   * @default 3306
   */
  port?: number;
  /**
   * Path of the server's Unix socket (`socket` in the defaults file).
   * @example '/run/mysqld/mysqld.sock'
   * @default undefined (the client tools' compiled-in socket when host is `localhost`)
   */
  socket?: string;
  /**
   * Transport, when it must be forced: `TCP` or `SOCKET` (`protocol` in the defaults file).
   * @example 'TCP'
   * @default undefined (socket for `localhost`, TCP otherwise)
   */
  protocol?: 'TCP' | 'SOCKET';
  /**
   * User name.
   * @example 'backup'
   * @default undefined (the client tools use the login name)
   */
  user?: string;
  /**
   * Password. Only ever written to a 0600 `--defaults-extra-file`; never argv, never `MYSQL_PWD`.
   * @example process.env.DB_PASSWORD
   * @default undefined (no password)
   */
  password?: string;
  /**
   * The database to dump and restore into. Required (here or in the URL path).
   * @example 'app'
   */
  database?: string;
  /**
   * TLS settings.
   * @example { mode: 'VERIFY_CA', ca: '/etc/ssl/certs/db-ca.pem' }
   * @default undefined
   */
  tls?: MysqlTlsOptions;
  /**
   * Tables left out of the dump (`--ignore-table=<database>.<table>`) and out of `rowCounts()`.
   * @example ['sessions', 'cache_entries']
   * @default []
   */
  excludeTables?: readonly string[];
  /**
   * Extra arguments for the dump tool, placed before the database name. Never put secrets here.
   * @example ['--skip-extended-insert']
   * @default []
   */
  dumpArgs?: readonly string[];
  /**
   * Extra arguments for the restore client, placed before the database name. Never put secrets here.
   * @example ['--max-allowed-packet=1G']
   * @default []
   */
  restoreArgs?: readonly string[];
  /**
   * Dump tool, a name on PATH or a path.
   * @example '/opt/mysql/bin/mysqldump'
   * @default 'mariadb-dump' when it is on PATH, else 'mysqldump'
   */
  dumpBinary?: string;
  /**
   * Client used for restores, checks and queries, a name on PATH or a path.
   * @example '/opt/mysql/bin/mysql'
   * @default 'mariadb' when it is on PATH, else 'mysql'
   */
  clientBinary?: string;
  /**
   * Seconds the client waits for a connection (`--connect-timeout`, client tool only).
   * @example 30
   * @default 10
   */
  connectTimeout?: number;
}

/** A connection with every part resolved, as {@link parseMysqlUrl} and {@link resolveMysqlOptions} return it. */
export interface MysqlConnection {
  /** URL scheme, for display: `mysql` or `mariadb`. */
  scheme: 'mysql' | 'mariadb';
  /** Host, if given. */
  host: string | undefined;
  /** Port, if given. */
  port: number | undefined;
  /** Unix socket path, if given. */
  socket: string | undefined;
  /** Forced transport, if given. */
  protocol: 'TCP' | 'SOCKET' | undefined;
  /** User, if given. */
  user: string | undefined;
  /** Password (percent-decoded), if given. */
  password: string | undefined;
  /** Database name (percent-decoded). */
  database: string | undefined;
  /** TLS settings. */
  tls: MysqlTlsOptions;
}
