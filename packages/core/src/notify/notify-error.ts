import { BkError, type BkErrorOptions } from '../errors/bk-error.js';

/** A notification could not be delivered (bad status, network error, timeout). Never fails a backup. */
export class NotifyError extends BkError {
  /** The destination, redacted. */
  readonly target: string;
  /** The HTTP status, when the destination answered. */
  readonly status: number | undefined;

  constructor(message: string, options: BkErrorOptions & { target: string; status?: number }) {
    super('BK_NOTIFY_FAILED', message, options);
    this.name = 'NotifyError';
    this.target = options.target;
    this.status = options.status;
  }
}
