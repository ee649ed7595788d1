import { BkError } from '../errors/bk-error.js';

/**
 * Files of a media snapshot cannot be restored as they were: no copy on the remote matches the
 * manifest (size and hash, or size and time), or a downloaded copy's hash differs. Nothing local
 * was changed.
 */
export class MediaIntegrityError extends BkError {
  /** The snapshot's stamp. */
  readonly stamp: string;
  /** The affected paths (relative to the media root). */
  readonly paths: readonly string[];

  constructor(stamp: string, paths: readonly string[], problem: string) {
    const shown = paths.slice(0, 5).join(', ') + (paths.length > 5 ? `, … (${paths.length} files)` : '');
    super('BK_MEDIA_INTEGRITY', `media snapshot ${stamp}: ${problem}: ${shown}`, {
      hint: 'restore another snapshot (bk listbackups --media); retention never removes files a kept snapshot needs',
    });
    this.name = 'MediaIntegrityError';
    this.stamp = stamp;
    this.paths = paths;
  }
}
