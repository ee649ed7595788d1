import { BkError, type BkErrorOptions } from './bk-error.js';

const integrityErrorMarker = Symbol.for('bk.error.IntegrityError');

/** A backup's bytes do not match its manifest (size or sha256). Nothing was restored. */
export class IntegrityError extends BkError {
  readonly [integrityErrorMarker] = true;

  /**
   * True for a `IntegrityError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is IntegrityError {
    return (
      BkError.isInstance(value) &&
      (value as unknown as Record<symbol, unknown>)[integrityErrorMarker] === true
    );
  }

  /** The backup object's path on the remote. `actual.bytes` is -1 when the object is missing. */
  readonly path: string;
  readonly expected: { bytes: number; sha256: string };
  readonly actual: { bytes: number; sha256: string };

  constructor(
    path: string,
    expected: { bytes: number; sha256: string },
    actual: { bytes: number; sha256: string },
    options: BkErrorOptions = {},
  ) {
    const what =
      actual.bytes < 0
        ? `its object is missing (the manifest says ${expected.bytes} bytes)`
        : expected.bytes !== actual.bytes
          ? `size ${actual.bytes} bytes, manifest says ${expected.bytes}`
          : `sha256 ${actual.sha256.slice(0, 12)}…, manifest says ${expected.sha256.slice(0, 12)}…`;
    super('BK_INTEGRITY', `backup ${path} is corrupt: ${what}`, {
      hint: 'restore an earlier backup (bk listbackups) and run bk verify on the rest',
      ...options,
    });
    this.name = 'IntegrityError';
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}
