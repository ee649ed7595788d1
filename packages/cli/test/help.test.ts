import { describe, expect, it } from 'vitest';
import { bk, tempDir } from './helpers.js';

const COMMANDS = ['dbbackup', 'dbrestore', 'mediabackup', 'mediarestore', 'listbackups', 'verify', 'cleanup'];

describe('bk help and version', () => {
  it('bk --help lists the commands, global options, examples and exit codes', async () => {
    const result = await bk(await tempDir(), ['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: bk [options] [command]

      Back up databases and media files to any rclone remote, and restore them.

      Options:
        -V, --version           print the version
        --config <file>         config file (default: bk.config.{json,ts,mjs,js} here
                                or in a parent folder)
        --json                  machine-readable output: NDJSON events, then a result
                                object
        -q, --quiet             print errors only
        -v, --verbose           show the commands run (secrets redacted) and stack
                                traces
        --metrics-file <file>   update this Prometheus textfile after the run
                                (default: metrics.file)
        -h, --help              show help

      Commands:
        dbbackup [options]      back up one, several or all configured databases
        dbrestore [options]     restore the latest (or the given) backup; asks first
                                unless --noinput
        mediabackup [options]   sync the media directory to the remote, keeping
                                replaced files in history
        mediarestore [options]  restore the media directory from the latest (or a
                                given) snapshot
        listbackups [options]   list complete backups, newest first
        verify [options]        re-read backups and check their sha256 and size
                                against their manifests
        cleanup [options]       apply the retention policy, saying why each backup is
                                kept
        wal-push [options]      PostgreSQL archive_command: archive one WAL file (bk
                                wal-push -d main %p)
        wal-fetch [options]     PostgreSQL restore_command: fetch and verify one WAL
                                file (bk wal-fetch -d main %f %p)
        doctor                  check the config, binaries, databases and remote; exit
                                1 if anything fails
        schedule [options]      run the jobs of schedule.jobs on their cron
                                expressions (long-running)
        help [command]          show help for a command

      Examples:
        $ bk dbbackup                      back up the only configured database
        $ bk dbbackup --all --clean        back up all, then apply db.keep
        $ bk listbackups --json            complete backups as a JSON array, newest first
        $ bk dbrestore --noinput           restore the latest backup without asking
        $ bk verify --all                  check every backup's sha256

      Config: --config FILE, BK_CONFIG, or bk.config.json (or .ts, .mjs, .js) in the working
      directory or its parents, up to the git root; DATABASE_URL and BK_REMOTE work without one.
      Exit codes: 0 done, 1 operation failed, 2 usage or config error, 130 interrupted.
      "
    `);
  });

  it('bk dbbackup --help shows its options, the global options and examples', async () => {
    const result = await bk(await tempDir(), ['dbbackup', '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: bk dbbackup [options]

      Streams a dump of each database to the remote, hashing it on the way, and writes
      its manifest last: a backup is either complete and verified, or it does not
      exist.

      Options:
        -d, --database <name>  database to back up (repeatable)
        --all                  back up every configured database (db.concurrency at a
                               time)
        --clean                apply the retention policy (db.keep) after each
                               successful backup
        --wait <duration>      wait this long for another bk run holding the lock
                               (default: 0, fail at once)
        --physical             PostgreSQL: a base backup of the whole cluster
                               (pg_basebackup, tar) for point-in-time recovery, with
                               WAL from bk wal-push
        -h, --help             show help

      Global Options:
        -V, --version          print the version
        --config <file>        config file (default: bk.config.{json,ts,mjs,js} here
                               or in a parent folder)
        --json                 machine-readable output: NDJSON events, then a result
                               object
        -q, --quiet            print errors only
        -v, --verbose          show the commands run (secrets redacted) and stack
                               traces
        --metrics-file <file>  update this Prometheus textfile after the run (default:
                               metrics.file)

      Examples:
        $ bk dbbackup                     # back up the only configured database
        $ bk dbbackup -d main -d cache    # back up two databases
        $ bk dbbackup --all --clean       # back up everything, then apply db.keep
        $ bk dbbackup -d main --physical  # PostgreSQL: a base backup for point-in-time recovery
      "
    `);
  });

  it('bk dbrestore --help', async () => {
    const result = await bk(await tempDir(), ['help', 'dbrestore']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "Usage: bk dbrestore [options]

      Restores a backup into its database. The sha256 is checked before the restore
      commits (PostgreSQL, SQLite) or before the target is touched (MySQL, MongoDB).

      Options:
        -d, --database <name>    database to restore (required when several are
                                 configured)
        -i, --input-path <path>  backup to restore, as listed by bk listbackups
                                 (default: latest)
        --noinput                do not ask for confirmation (required when stdin is
                                 not a terminal)
        --create                 create the database first when it does not exist (a
                                 new server or a lost file); MongoDB creates it on
                                 restore anyway
        --to <url>               restore into this scratch database instead (a drill;
                                 the configured database is not touched; a missing
                                 database is created); \${VAR} is read from the
                                 environment, so a password need not be on the command
                                 line: --to 'postgres://app:\${SCRATCH_PW}@db/scratch'
        --trust-target           with --to: restore even when bk cannot prove the
                                 target is none of the configured databases (a
                                 connector without identity(), a configured database
                                 that cannot be reached)
        --check                  with --to: compare per-table row counts with the
                                 manifest; exit 1 if they differ
        --estimate               with --check: count rows from planner estimates (10%
                                 tolerance) for very large tables
        --jobs <n>               PostgreSQL: restore with n sessions (1-64) into a
                                 scratch database swapped in when all succeed; 1 is
                                 the single-session restore (default: the database's
                                 parallelRestore, else 1; not with --to)
        --wait <duration>        wait this long for another bk run holding the lock
                                 (default: 0, fail at once)
        --physical               PostgreSQL: restore a base backup into --data-dir and
                                 configure recovery from the WAL archive
        --at <time>              with --physical: recover to this moment, ISO 8601
                                 with a zone (2026-12-08T01:30:00.250Z); default: the
                                 end of the archive
        --data-dir <dir>         with --physical: the empty directory to write the
                                 cluster into
        -h, --help               show help

      Global Options:
        -V, --version            print the version
        --config <file>          config file (default: bk.config.{json,ts,mjs,js} here
                                 or in a parent folder)
        --json                   machine-readable output: NDJSON events, then a result
                                 object
        -q, --quiet              print errors only
        -v, --verbose            show the commands run (secrets redacted) and stack
                                 traces
        --metrics-file <file>    update this Prometheus textfile after the run
                                 (default: metrics.file)

      Examples:
        $ bk dbrestore                                                                                          # restore the latest backup, after asking
        $ bk dbrestore --noinput --jobs 4                                                                       # PostgreSQL: restore with 4 sessions
        $ bk dbrestore --create                                                                                 # restore onto a new server, creating the database
        $ bk dbrestore --to postgres://127.0.0.1/scratch --check --noinput                                      # restore drill into a scratch database
        $ bk dbrestore -d main -i db/main-2026-11-22-033000.pgdump                                              # restore a given backup
        $ bk dbrestore --noinput                                                                                # restore without asking (scripts, CI)
        $ bk dbrestore -d main --physical --at 2026-12-08T01:30:00Z --data-dir /var/lib/postgresql/15/restored  # PostgreSQL: point-in-time recovery into a new data directory
      "
    `);
  });

  it.each(COMMANDS)('bk %s --help has examples and the global options', async (command) => {
    const result = await bk(await tempDir(), [command, '--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: bk ${command} [options]`);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ bk /);
    expect(result.stdout).toContain('--config <file>');
  });

  it('--version prints the package version', async () => {
    const { version } = (await import('../package.json', { with: { type: 'json' } })).default;
    const result = await bk(await tempDir(), ['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  it('an unknown command or option is a usage error: one line, a hint, exit 2', async () => {
    const dir = await tempDir();
    const command = await bk(dir, ['backupdb']);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toMatchInlineSnapshot(`
      "bk: unknown command 'backupdb'
      hint: run bk --help
      "
    `);
    const option = await bk(dir, ['dbbackup', '--colour']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatchInlineSnapshot(`
      "bk: unknown option '--colour'
      hint: run bk dbbackup --help
      "
    `);
    const missing = await bk(dir, ['dbrestore', '-d']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatchInlineSnapshot(`
      "bk: option '-d, --database <name>' argument missing
      hint: run bk dbrestore --help
      "
    `);
  });

  it('bk with no command prints help to stderr and exits 2', async () => {
    const result = await bk(await tempDir(), []);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: bk [options] [command]');
  });

  it('global options work after the command too', async () => {
    const dir = await tempDir();
    const before = await bk(dir, ['--config', 'nope.json', 'listbackups']);
    const after = await bk(dir, ['listbackups', '--config', 'nope.json']);
    expect(before.exitCode).toBe(2);
    expect(after.exitCode).toBe(2);
    expect(after.stderr).toBe(before.stderr);
    expect(after.stderr).toMatchInlineSnapshot(`
      "bk: --config: config file nope.json does not exist
      hint: create it, or run bk from a directory holding bk.config.json
      "
    `);
  });
});
