/** One line of the run log, and what metrics and notifications are made from. */
export interface RunRecord {
  /** The bk command (`dbbackup`). */
  command: string;
  /** The database alias (`media` for media commands); empty when the run failed before choosing one. */
  database: string;
  /** ISO 8601 UTC start. */
  start: string;
  /** ISO 8601 UTC end. */
  end: string;
  /** How it ended. */
  status: 'succeeded' | 'failed' | 'interrupted';
  /** Bytes written or read, when known. */
  bytes: number | undefined;
  /** Milliseconds from start to end. */
  durationMs: number;
  /** The error message (secrets already redacted), for failures. */
  error: string | undefined;
  /**
   * Warnings of the run for this database (files a media backup left out, such as symlinks);
   * absent when there were none.
   */
  warnings?: string[];
  /** Host name of the machine that ran bk. */
  host: string;
  /** Process id of the bk run. */
  pid: number;
}
