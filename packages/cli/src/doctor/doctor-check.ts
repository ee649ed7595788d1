/** The outcome of one `bk doctor` check. */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/** One row of the `bk doctor` table (and one `check` event with `--json`). */
export interface DoctorCheck {
  /** What kind of thing was checked: `config`, `binary`, `database`, `remote`. */
  kind: 'config' | 'binary' | 'database' | 'remote';
  /** What was checked: the config file, a binary name, a database alias, the remote. */
  target: string;
  /** `pass`, `warn` (works, but look), or `fail` (a command would fail). */
  status: DoctorStatus;
  /** What was found: a version, a path, or the error message. */
  detail: string;
  /** What to do about a warning or failure. */
  hint?: string;
  /** Stable bk error code of the failure, when it came from a bk error. */
  code?: string;
}
