/** One option of a command, as commander takes it. */
export interface OptionSpec {
  /** `-d, --database <name>`. */
  flags: string;
  description: string;
  /** Repeatable: every occurrence is collected into an array. */
  repeatable?: boolean;
}

/**
 * A command of the `bk` binary. The module is imported only when the command runs, so `bk --help`
 * loads none of them. Adding a command (`doctor`, `schedule`) means adding a spec here and a module
 * under `commands/` that exports `run(context, options)`.
 */
export interface CommandSpec {
  name: string;
  /** Operands, such as `<segment> <path>`, shown in the command's usage line and passed as `options.operands`. */
  arguments?: string;
  summary: string;
  /** Longer description shown by `bk <command> --help`. */
  description: string;
  options: OptionSpec[];
  /** Example invocations with a comment each. */
  examples: [command: string, comment: string][];
  load: () => Promise<{
    run: (context: never, options: never) => Promise<Record<string, unknown> | undefined>;
  }>;
}

/** Every command, in the order `bk --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'dbbackup',
    summary: 'back up one, several or all configured databases',
    description:
      'Streams a dump of each database to the remote, hashing it on the way, and writes its manifest last: ' +
      'a backup is either complete and verified, or it does not exist.',
    options: [
      { flags: '-d, --database <name>', description: 'database to back up (repeatable)', repeatable: true },
      { flags: '--all', description: 'back up every configured database (db.concurrency at a time)' },
      { flags: '--clean', description: 'apply the retention policy (db.keep) after each successful backup' },
      {
        flags: '--wait <duration>',
        description: 'wait this long for another bk run holding the lock (default: 0, fail at once)',
      },
      {
        flags: '--physical',
        description:
          'PostgreSQL: a base backup of the whole cluster (pg_basebackup, tar) for point-in-time recovery, with WAL from bk wal-push',
      },
    ],
    examples: [
      ['bk dbbackup', 'back up the only configured database'],
      ['bk dbbackup -d main -d cache', 'back up two databases'],
      ['bk dbbackup --all --clean', 'back up everything, then apply db.keep'],
      ['bk dbbackup -d main --physical', 'PostgreSQL: a base backup for point-in-time recovery'],
    ],
    load: () => import('./commands/dbbackup.js'),
  },
  {
    name: 'dbrestore',
    summary: 'restore the latest (or the given) backup; asks first unless --noinput',
    description:
      'Restores a backup into its database. The sha256 is checked before the restore commits ' +
      '(PostgreSQL, SQLite) or before the target is touched (MySQL, MongoDB).',
    options: [
      {
        flags: '-d, --database <name>',
        description: 'database to restore (required when several are configured)',
      },
      {
        flags: '-i, --input-path <path>',
        description: 'backup to restore, as listed by bk listbackups (default: latest)',
      },
      {
        flags: '--noinput',
        description: 'do not ask for confirmation (required when stdin is not a terminal)',
      },
      {
        flags: '--create',
        description:
          'create the database first when it does not exist (a new server or a lost file); MongoDB creates it on restore anyway',
      },
      {
        flags: '--to <url>',
        description:
          "restore into this scratch database instead (a drill; the configured database is not touched; a missing database is created); ${VAR} is read from the environment, so a password need not be on the command line: --to 'postgres://app:${SCRATCH_PW}@db/scratch'",
      },
      {
        flags: '--trust-target',
        description:
          'with --to: restore even when bk cannot prove the target is none of the configured databases (a connector without identity(), a configured database that cannot be reached)',
      },
      {
        flags: '--check',
        description: 'with --to: compare per-table row counts with the manifest; exit 1 if they differ',
      },
      {
        flags: '--estimate',
        description: 'with --check: count rows from planner estimates (10% tolerance) for very large tables',
      },
      {
        flags: '--jobs <n>',
        description:
          "PostgreSQL: restore with n sessions (1-64) into a scratch database swapped in when all succeed; 1 is the single-session restore (default: the database's parallelRestore, else 1; not with --to)",
      },
      {
        flags: '--wait <duration>',
        description: 'wait this long for another bk run holding the lock (default: 0, fail at once)',
      },
      {
        flags: '--physical',
        description:
          'PostgreSQL: restore a base backup into --data-dir and configure recovery from the WAL archive',
      },
      {
        flags: '--at <time>',
        description:
          'with --physical: recover to this moment, ISO 8601 with a zone (2026-12-08T01:30:00.250Z); default: the end of the archive',
      },
      {
        flags: '--data-dir <dir>',
        description: 'with --physical: the empty directory to write the cluster into',
      },
    ],
    examples: [
      ['bk dbrestore', 'restore the latest backup, after asking'],
      ['bk dbrestore --noinput --jobs 4', 'PostgreSQL: restore with 4 sessions'],
      ['bk dbrestore --create', 'restore onto a new server, creating the database'],
      [
        'bk dbrestore --to postgres://127.0.0.1/scratch --check --noinput',
        'restore drill into a scratch database',
      ],
      ['bk dbrestore -d main -i db/main-2026-11-22-033000.pgdump', 'restore a given backup'],
      ['bk dbrestore --noinput', 'restore without asking (scripts, CI)'],
      [
        'bk dbrestore -d main --physical --at 2026-12-08T01:30:00Z --data-dir /var/lib/postgresql/15/restored',
        'PostgreSQL: point-in-time recovery into a new data directory',
      ],
    ],
    load: () => import('./commands/dbrestore.js'),
  },
  {
    name: 'mediabackup',
    summary: 'sync the media directory to the remote, keeping replaced files in history',
    description:
      'Mirrors media.root to <remote>/media/current; files it replaces or deletes move to ' +
      '<remote>/media/history/<stamp>, and a snapshot manifest is written last.',
    options: [
      { flags: '--dry-run', description: 'show what would be uploaded and deleted; change nothing' },
      {
        flags: '--force',
        description: 'run even if the sync would delete more than half of the remote files',
      },
      {
        flags: '--wait <duration>',
        description: 'wait this long for another media run holding the media lock (default: 0, fail at once)',
      },
    ],
    examples: [
      ['bk mediabackup', 'sync media.root to the remote'],
      ['bk mediabackup --dry-run', 'see what would change'],
    ],
    load: () => import('./commands/mediabackup.js'),
  },
  {
    name: 'mediarestore',
    summary: 'restore the media directory from the latest (or a given) snapshot',
    description: 'Writes the files of a media snapshot into media.root; asks first unless --noinput.',
    options: [
      {
        flags: '--at <stamp>',
        description: 'snapshot to restore, as listed by bk listbackups --media (default: latest)',
      },
      {
        flags: '--noinput',
        description: 'do not ask for confirmation (required when stdin is not a terminal)',
      },
      { flags: '--dry-run', description: 'show what would be written and deleted; change nothing' },
      { flags: '--delete', description: 'also delete local files that are not in the snapshot' },
      {
        flags: '--wait <duration>',
        description: 'wait this long for another media run holding the media lock (default: 0, fail at once)',
      },
    ],
    examples: [
      ['bk mediarestore', 'restore the latest snapshot, after asking'],
      ['bk mediarestore --at 2026-11-22-033000 --noinput', 'restore a given snapshot without asking'],
      ['bk mediarestore --dry-run --delete', 'see what a full restore would change'],
    ],
    load: () => import('./commands/mediarestore.js'),
  },
  {
    name: 'listbackups',
    summary: 'list complete backups, newest first',
    description: 'Lists the backups that have a manifest (complete ones only), newest first.',
    options: [
      { flags: '-d, --database <name>', description: 'only backups of this database' },
      { flags: '--media', description: 'list media snapshots instead' },
      {
        flags: '--max-age <duration>',
        description:
          'exit 1 naming each database whose newest backup is older (26h, 7d) or missing; with --media, the newest snapshot',
      },
      {
        flags: '--physical',
        description: 'PostgreSQL: base backups and the point-in-time restorable window',
      },
    ],
    examples: [
      ['bk listbackups', 'a table of every backup'],
      ['bk listbackups -d main --json', 'a JSON array of the backups of main'],
      ['bk listbackups --media', 'the media snapshots and their stamps'],
      ['bk listbackups --max-age 26h --quiet', 'monitoring: exit 1 when a backup is stale'],
      ['bk listbackups --media --max-age 26h', 'monitoring: exit 1 when the media snapshot is stale'],
      ['bk listbackups -d main --physical', 'PostgreSQL: base backups and the restorable window'],
    ],
    load: () => import('./commands/listbackups.js'),
  },
  {
    name: 'verify',
    summary: 're-read backups and check their sha256 and size against their manifests',
    description:
      'Downloads backups and checks every byte against the manifest. By default the latest backup of ' +
      'each database; exits 1 naming each backup that fails.',
    options: [
      { flags: '-d, --database <name>', description: 'only backups of this database' },
      { flags: '-i, --input-path <path>', description: 'verify this backup' },
      { flags: '--all', description: 'verify every backup, not only the latest' },
      {
        flags: '--physical',
        description:
          'PostgreSQL: check that the archived WAL is continuous from each base backup; exit 1 on a gap',
      },
    ],
    examples: [
      ['bk verify', 'check the latest backup of each database'],
      ['bk verify --all', 'check every backup'],
      ['bk verify -i db/main-2026-11-22-033000.pgdump', 'check one backup'],
      ['bk verify -d main --physical', 'PostgreSQL: check the WAL archive for gaps'],
    ],
    load: () => import('./commands/verify.js'),
  },
  {
    name: 'cleanup',
    summary: 'apply the retention policy, saying why each backup is kept',
    description:
      'Applies db.keep to each database, printing every backup with the rules that keep it, or "remove", ' +
      'then sweeps uploads that killed backups left in db/.partial/ (by name and age).',
    options: [
      { flags: '-d, --database <name>', description: 'only this database' },
      {
        flags: '--media',
        description: 'apply media.keep to the media snapshots instead, and sweep media/.partial/',
      },
      { flags: '--dry-run', description: 'show what would be removed; remove nothing' },
      {
        flags: '--partials-older-than <duration>',
        description:
          'sweep uploads left in db/.partial/ (media/.partial/ with --media) by killed backups once this old (default: 24h)',
      },
      {
        flags: '--wait <duration>',
        description: 'wait this long for another bk run holding the lock (default: 0, fail at once)',
      },
      {
        flags: '--physical',
        description: 'PostgreSQL: apply db.keep to base backups and remove the WAL no kept base backup needs',
      },
    ],
    examples: [
      ['bk cleanup --dry-run', 'see what retention would remove'],
      ['bk cleanup --partials-older-than 1h', 'also sweep interrupted uploads older than an hour'],
      ['bk cleanup -d main', 'apply db.keep to main'],
      ['bk cleanup --media --dry-run', 'see which media snapshots media.keep would remove'],
      ['bk cleanup -d main --physical', 'PostgreSQL: prune base backups and the WAL they no longer need'],
    ],
    load: () => import('./commands/cleanup.js'),
  },
  {
    name: 'wal-push',
    arguments: '<path>',
    summary: 'PostgreSQL archive_command: archive one WAL file (bk wal-push -d main %p)',
    description:
      'Streams one WAL segment (or history or backup label file) to <remote>/wal/<name>/<timeline>/, checks ' +
      'the stored size and writes its manifest (sha256) last; exits 0 only then. The same file pushed again ' +
      'succeeds; a different file of the same name is refused (two clusters archiving to one place).',
    options: [{ flags: '-d, --database <name>', description: 'database alias the archive belongs to' }],
    examples: [
      [
        'bk wal-push -d main pg_wal/000000010000000000000002',
        "what archive_command = 'bk wal-push -d main %p' runs (docs/pitr.md)",
      ],
    ],
    load: () => import('./commands/physical/wal-push.js'),
  },
  {
    name: 'wal-fetch',
    arguments: '<segment> <path>',
    summary: 'PostgreSQL restore_command: fetch and verify one WAL file (bk wal-fetch -d main %f %p)',
    description:
      'Downloads one archived WAL file beside PATH, checks its sha256 against its manifest and renames it into ' +
      'place; PostgreSQL never reads a byte that did not match. Exits 1 when the archive does not hold it.',
    options: [{ flags: '-d, --database <name>', description: 'database alias the archive belongs to' }],
    examples: [
      [
        'bk wal-fetch -d main 000000010000000000000002 pg_wal/RECOVERYXLOG',
        'what the restore_command bk dbrestore --physical writes runs',
      ],
    ],
    load: () => import('./commands/physical/wal-fetch.js'),
  },
  {
    name: 'doctor',
    summary: 'check the config, binaries, databases and remote; exit 1 if anything fails',
    description:
      'Checks the config, each binary bk needs (found, version), each database (reachable, server and ' +
      'dump tool versions) and the remote (reachable, writable with a probe object that is removed).',
    options: [],
    examples: [
      ['bk doctor', 'a pass/fail table of every check'],
      ['bk doctor --json', 'the checks as a JSON result object'],
    ],
    load: () => import('./commands/doctor.js'),
  },
  {
    name: 'schedule',
    summary: 'run the jobs of schedule.jobs on their cron expressions (long-running)',
    description:
      'Runs each job as a child bk process, one at a time, with jitter, retries with backoff and the ' +
      'remote lock of each database; SIGTERM or Ctrl-C lets the running job finish, then exits 0.',
    options: [{ flags: '--list', description: 'print the jobs and their next run, then exit' }],
    examples: [
      ['bk schedule', 'run the configured jobs until stopped'],
      ['bk schedule --list', 'see the jobs and when they run next'],
    ],
    load: () => import('./commands/schedule.js'),
  },
];
