/** What an error code means and what to do about it (shown when an error carries no hint of its own). */
export interface ErrorHint {
  /** One line: what this code means. */
  explanation: string;
  /** One line: what to do. */
  hint: string;
  /** The exit code the CLI uses for it. */
  exitCode: 1 | 2 | 130;
}

/**
 * Every stable error code bk throws, from every package. docs/errors.md lists the same codes and a
 * test checks that both cover every code in the sources.
 */
export const ERROR_HINTS: Readonly<Record<string, ErrorHint>> = {
  BK_USAGE: {
    explanation: 'the command line asked for something that cannot be done as asked; nothing was changed',
    hint: 'run bk <command> --help',
    exitCode: 2,
  },
  BK_CONFIG_INVALID: {
    explanation: 'the config file (or DATABASE_URL / BK_REMOTE) is invalid; the message names the key',
    hint: 'fix the named key; bk doctor checks the whole set-up',
    exitCode: 2,
  },
  BK_COMMAND_FAILED: {
    explanation: 'part of a command failed (e.g. one database of --all); each failure was printed above',
    hint: 'fix the failures printed above and run the command again for those databases',
    exitCode: 1,
  },
  BK_FAILED: {
    explanation:
      'an operation failed with an error that is not a bk error (a bug or an unexpected condition)',
    hint: 'run again with --verbose to see the cause, and report it if it is a bug',
    exitCode: 1,
  },
  BK_ABORTED: {
    explanation:
      'the operation was interrupted (Ctrl-C, SIGTERM or an aborted signal); no backup was recorded',
    hint: 'run it again; interrupted uploads are swept by bk cleanup',
    exitCode: 130,
  },
  BK_PROCESS_FAILED: {
    explanation: 'a dump or restore tool exited with an error; the message has its exit code and stderr',
    hint: 'fix what the tool’s own error names (host, credentials, database, permissions) and run the command again',
    exitCode: 1,
  },
  BK_CONNECTOR_NOT_INSTALLED: {
    explanation: 'the connector package of a configured database (such as @bk/connector-pg) is not installed',
    hint: 'install the package the message names next to bk (npm install -g @bk/connector-pg)',
    exitCode: 2,
  },
  BK_BINARY_NOT_FOUND: {
    explanation: 'a program bk needs (pg_dump, mariadb-dump, sqlite3, mongodump, ...) is not on PATH',
    hint: 'install the client tools of the engine, or set the binary path in the database options',
    exitCode: 2,
  },
  BK_INTEGRITY: {
    explanation: 'a backup’s size or sha256 does not match its manifest: it is corrupt or truncated',
    hint: 'restore an older backup (bk listbackups) and check the remote; the target was not changed',
    exitCode: 1,
  },
  BK_EMPTY_BACKUP: {
    explanation:
      'a backup holds no database (0 bytes, or only the dump tool’s header); it passed its sha256 check',
    hint: 'restore an earlier backup (bk listbackups) and check how it was made; the target was not changed',
    exitCode: 1,
  },
  BK_BACKUP_NOT_FOUND: {
    explanation: 'no complete backup (with a manifest) matches the database or --input-path',
    hint: 'run bk listbackups to see what exists',
    exitCode: 1,
  },
  BK_LOCK_HELD: {
    explanation: 'another bk run holds the lock on this remote',
    hint: 'wait for it, pass --wait DURATION, or remove a stale lock after checking no bk is running',
    exitCode: 1,
  },
  BK_LOCK_FAILED: {
    explanation:
      'bk could not take the remote lock: the lock objects it writes do not show up when it lists them',
    hint: 'check that the remote lists what was just written to it (an eventually consistent store needs a different remote)',
    exitCode: 1,
  },
  BK_RESTORE_INCOMPLETE: {
    explanation: 'the restore tool exited before reading the whole backup, so its sha256 was never confirmed',
    hint: 'check the target database by hand, then report it: a connector must read its input to the end',
    exitCode: 1,
  },
  BK_NOTIFY_FAILED: {
    explanation: 'a notifier could not deliver (library NotifyError); bk only warns, never exits with it',
    hint: 'check the notify URL and network; the backup itself is not affected',
    exitCode: 1,
  },
  BK_CRYPT_PASSWORD: {
    explanation: 'the remote holds names that do not decrypt: the crypt password or password2 is wrong',
    hint: 'check the crypt remote’s password and password2 (rclone config show); nothing was changed',
    exitCode: 2,
  },
  BK_RCLONE_FAILED: {
    explanation: 'rclone exited with an error; the message has its exit code and stderr',
    hint: 'read rclone’s stderr in the message; run with --verbose to see the command',
    exitCode: 1,
  },
  BK_RCLONE_NOT_FOUND: {
    explanation: 'rclone reported that a file or directory does not exist on the remote',
    hint: 'check the path; bk listbackups shows what exists',
    exitCode: 1,
  },
  BK_RCLONE_REMOTE_NOT_FOUND: {
    explanation: 'the rclone remote named in "remote" is not configured',
    hint: 'run rclone config to create it, set rclone.configFile, or fix "remote"',
    exitCode: 2,
  },
  BK_RCLONE_BINARY_NOT_FOUND: {
    explanation: 'the rclone binary is not on PATH',
    hint: 'apt-get install rclone (or https://rclone.org/install/), or set rclone.binary',
    exitCode: 2,
  },
  BK_PG_VERSION_MISMATCH: {
    explanation: 'pg_dump is older than the PostgreSQL server and cannot dump it',
    hint: 'install the client of the server’s major version and set binaries.pgDump',
    exitCode: 2,
  },
  BK_SQLITE_RESTORE_REFUSED: {
    explanation:
      'the SQLite restore was refused (the restored file failed its checks); the file is unchanged',
    hint: 'verify the backup (bk verify -i PATH) or restore an older one',
    exitCode: 1,
  },
  BK_SQLITE_DUMP_REFUSED: {
    explanation:
      'the SQLite dump was refused: a line of its schema starts with "." and a restore would run it as a dot-command',
    hint: 'rewrite that CREATE statement so no line of it starts with "." (DEFAULT 0.5, not DEFAULT .5)',
    exitCode: 1,
  },
  BK_MONGO_EMPTY_DUMP: {
    explanation: 'mongodump produced an archive with no collections (wrong database name or permissions)',
    hint: 'check the database name in the URL and the user’s roles',
    exitCode: 1,
  },
  BK_MONGO_BAD_ARCHIVE: {
    explanation: 'mongodump’s output is not a MongoDB archive',
    hint: 'check the mongodump version (bk doctor) and its stderr in the message',
    exitCode: 1,
  },
  BK_MEDIA_ROOT_MISSING: {
    explanation: 'media.root does not exist or is not a directory',
    hint: 'fix media.root in the config (relative paths are relative to the config file)',
    exitCode: 2,
  },
  BK_MEDIA_ROOT_EMPTY: {
    explanation: 'media.root is empty while the remote has files: syncing would delete them all',
    hint: 'check that the media volume is mounted; pass --force if emptying it is intended',
    exitCode: 2,
  },
  BK_MEDIA_MASS_DELETE: {
    explanation: 'the media sync would delete more than half of the remote files',
    hint: 'check media.root; pass --force if the deletions are intended (they stay in media/history)',
    exitCode: 2,
  },
  BK_MEDIA_INTEGRITY: {
    explanation: 'a media file does not match its snapshot manifest (size or hash)',
    hint: 'restore another snapshot (bk listbackups --media) and check the remote',
    exitCode: 1,
  },
  BK_MEDIA_NAME_COLLISION: {
    explanation:
      'two media names differ only in Unicode normalization (or in case on a case-insensitive remote): rclone would keep one; nothing was written',
    hint: 'rename one file of each pair named (or exclude it with media.exclude) and run bk mediabackup again',
    exitCode: 2,
  },
  BK_MEDIA_NAME_UNSUPPORTED: {
    explanation:
      'a media name cannot round-trip byte-exact (not valid UTF-8, or holding ‛ U+201B); nothing was written or changed',
    hint: 'rename the files named (convmv converts names to UTF-8) or exclude them with media.exclude',
    exitCode: 2,
  },
  BK_MEDIA_FILE_SKIPPED: {
    explanation:
      'rclone left a file out of the media sync (a duplicate name, an unreadable file); no snapshot was written',
    hint: 'fix or rename the files named and run bk mediabackup again; the previous snapshot is still restorable',
    exitCode: 1,
  },
  BK_MEDIA_RESTORE_CONFLICT: {
    explanation:
      'a media restore cannot put a file in place (a directory, symlink or special file stands there); nothing was changed',
    hint: 'move the named paths out of the way, or restore into an empty directory, and run bk mediarestore again',
    exitCode: 1,
  },
  BK_MEDIA_RESTORE_FAILED: {
    explanation: 'a change in the media root failed mid-restore; every change was rolled back',
    hint: 'fix the cause named (disk full? permissions?) and run bk mediarestore again',
    exitCode: 1,
  },
  BK_MEDIA_ROLLBACK_FAILED: {
    explanation:
      'a media restore failed and its rollback failed too; the replaced files are kept in the staging dir named',
    hint: 'move the files from the named .bk-restore-*/.replaced dir back into place, then run bk mediarestore again',
    exitCode: 1,
  },
  BK_MEDIA_MANIFEST_INVALID: {
    explanation: 'a media snapshot manifest is not valid JSON or not a bk snapshot',
    hint: 'remove or repair the file under media/snapshots/, or restore another snapshot',
    exitCode: 1,
  },
  BK_WAL_CONFLICT: {
    explanation:
      'a WAL file of that name is already archived with other content (two clusters archiving to one alias); the archive was not changed',
    hint: 'give each cluster its own -d NAME in archive_command (docs/pitr.md)',
    exitCode: 1,
  },
  BK_WAL_CHANGED: {
    explanation: 'bk wal-push could not read the WAL file to its end; nothing was archived',
    hint: 'check the file and the disk it is on; PostgreSQL retries the push',
    exitCode: 1,
  },
  BK_WAL_MISSING: {
    explanation:
      'bk wal-fetch: the archive does not hold that WAL file (normal at the end of recovery and for .history files)',
    hint: 'nothing to do at the end of recovery; else check archive_command with bk verify --physical',
    exitCode: 1,
  },
  BK_WAL_GAP: {
    explanation: 'the WAL archive is missing segments a base backup needs to recover',
    hint: 'check archive_command in the server log (pg_stat_archiver) and take a new base backup with bk dbbackup --physical',
    exitCode: 1,
  },
  BK_UNSAFE_ARCHIVE: {
    explanation:
      'a base backup holds an entry outside the data directory (an absolute path or ..); nothing was written outside it',
    hint: 'do not use this backup: it was not written by pg_basebackup; restore another one',
    exitCode: 1,
  },
};

/** The hint for an error code, when the error carries none of its own. */
export function hintForCode(code: string | undefined): string | undefined {
  return code === undefined ? undefined : ERROR_HINTS[code]?.hint;
}
