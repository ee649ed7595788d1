import type { RcloneNotice } from '@bk/rclone';
import { BkError } from '../errors/bk-error.js';
import { displayName } from './names.js';

/**
 * What an rclone notice during a media backup means. `fatal` kinds mean a file of the root was
 * silently left out of `media/current`: the run fails and writes no snapshot. The others are
 * warnings: shown to the user, recorded in the run log and in the result.
 */
export type MediaNoticeKind =
  /** Two names rclone treats as one (NFC/NFD, or case on a case-insensitive remote): one was dropped. Fatal. */
  | 'duplicate'
  /** A name that is not valid UTF-8. Fatal (the manifest could not name it). */
  | 'invalid-utf8'
  /** A file or directory rclone could not read (permission denied). Fatal. */
  | 'unreadable'
  /** A symlink: rclone does not follow links (no `--copy-links`), so it is not backed up. Warning. */
  | 'symlink'
  /** A FIFO, socket or device: not a file, not backed up. Warning. */
  | 'special-file'
  /** A file that changed while it was uploaded; rclone retried it and the run ended cleanly. Warning. */
  | 'changed'
  /** Any other message rclone logged; the run still ended cleanly. Warning. */
  | 'other';

/** A warning of a media run: shown to the user, recorded in the run log. */
export interface MediaWarning {
  /** What happened. */
  kind: MediaNoticeKind;
  /** The file concerned (as rclone names it), or `''` when rclone named none. */
  path: string;
  /** One line for the user. */
  message: string;
}

const FATAL: ReadonlySet<MediaNoticeKind> = new Set(['duplicate', 'invalid-utf8', 'unreadable']);

const RULES: readonly [RegExp, MediaNoticeKind, string][] = [
  [
    /^Duplicate (?:object|directory) found/i,
    'duplicate',
    'rclone dropped a file whose name clashes with another',
  ],
  [/invalid UTF-8/i, 'invalid-utf8', 'the name is not valid UTF-8'],
  [
    /permission denied|failed to open directory|error reading source directory|error listing|directory not found/i,
    'unreadable',
    'rclone could not read it',
  ],
  [/Can't follow symlink/i, 'symlink', 'is a symlink: not backed up (bk does not follow links)'],
  [
    /Can't transfer non file\/directory/i,
    'special-file',
    'is not a regular file (FIFO, socket or device): not backed up',
  ],
  [
    /source file is being updated|changed while/i,
    'changed',
    'changed while it was uploaded; rclone copied it again',
  ],
];

/** Messages that never mean a file was skipped. */
const HARMLESS =
  /^There was nothing to transfer|^Config file .* not found|^(?:\d+ )?Attempt \d+\/\d+ succeeded|--dry-run|^Using --filter is recommended/i;

/** Classifies one rclone notice, or returns `undefined` for the harmless ones. */
export function classifyNotice(notice: RcloneNotice): MediaWarning | undefined {
  if (HARMLESS.test(notice.message)) return undefined;
  // A remote (`*local.Fs`) is no file; walk errors name the directory with objectType `string`.
  const isRemote = notice.objectType === undefined || /Fs$/.test(notice.objectType);
  const path = notice.object !== undefined && !isRemote ? notice.object : '';
  for (const [pattern, kind, text] of RULES) {
    if (pattern.test(notice.message)) {
      const quoted = /"(.*)"$/.exec(notice.message)?.[1];
      const subject = path || quoted || '';
      return { kind, path: subject, message: `${subject ? `${displayName(subject)} ` : ''}${text}` };
    }
  }
  const subject = path ? `${displayName(path)}: ` : '';
  return { kind: 'other', path, message: `rclone: ${subject}${notice.message}` };
}

/**
 * Collects the notices of one media run: warnings deduplicated by kind and path, fatal ones kept
 * apart until {@link MediaNotices.throwIfFatal}.
 */
export class MediaNotices {
  readonly #seen = new Set<string>();
  readonly warnings: MediaWarning[] = [];
  readonly fatal: MediaWarning[] = [];
  readonly #onWarning: (warning: MediaWarning) => void;

  constructor(onWarning: (warning: MediaWarning) => void) {
    this.#onWarning = onWarning;
  }

  /** Listener for `onNotice` of rclone calls. */
  readonly onNotice = (notice: RcloneNotice): void => {
    const warning = classifyNotice(notice);
    if (!warning) return;
    const key = `${warning.kind}\u0000${warning.path}\u0000${warning.kind === 'other' ? warning.message : ''}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    if (FATAL.has(warning.kind)) this.fatal.push(warning);
    else {
      this.warnings.push(warning);
      this.#onWarning(warning);
    }
  };

  /** Throws `BK_MEDIA_FILE_SKIPPED` when rclone left a file out. */
  throwIfFatal(when: string): void {
    if (this.fatal.length === 0) return;
    const shown = this.fatal.slice(0, 5).map((warning) => warning.message);
    if (this.fatal.length > 5) shown.push(`… (${this.fatal.length} in all)`);
    throw new BkError('BK_MEDIA_FILE_SKIPPED', `rclone left files out ${when}: ${shown.join('; ')}`, {
      hint: 'fix or rename the files named (see docs/media.md, "File names") and run bk mediabackup again; the previous snapshot is still restorable',
    });
  }
}
