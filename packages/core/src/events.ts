import type { BkError } from './errors/bk-error.js';

/** The operations that report events. */
export type BkOperation = 'backup' | 'restore' | 'verify' | 'cleanup' | 'mediabackup' | 'mediarestore';

/** Typed events for watching long work. Failures are also thrown: events never replace errors. */
export type BkEvent =
  | {
      type: 'started';
      operation: BkOperation;
      /** Database alias, or `media`. */
      database: string;
      /** Expected size in bytes (from the connector's estimate or the manifest), when known. */
      estimatedBytes?: number;
      /** The backup object involved, when known. */
      name?: string;
    }
  | {
      type: 'progress';
      operation: BkOperation;
      database: string;
      /** Bytes that have passed through so far. */
      bytes: number;
      /** Bytes per second over the last interval. */
      speed?: number;
      estimatedBytes?: number;
      /** Files done so far (media). */
      files?: number;
      /**
       * The phase of a media restore: `apply` counts files renamed into place after the download
       * (`transfer`, the default, counts files downloaded).
       */
      phase?: 'transfer' | 'apply';
    }
  | {
      type: 'completed';
      operation: BkOperation;
      database: string;
      bytes: number;
      durationMs: number;
      name?: string;
    }
  | { type: 'failed'; operation: BkOperation; database: string; durationMs: number; error: BkError }
  | {
      /** Something worth telling the user that is not a failure (a version mismatch, a pruned backup). */
      type: 'warning' | 'info';
      operation: BkOperation;
      database: string;
      message: string;
    };

/** Receives {@link BkEvent}s. Must not throw. */
export type BkEventListener = (event: BkEvent) => void;
