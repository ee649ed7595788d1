import { BkError, type BkErrorOptions } from './bk-error.js';

const configErrorMarker = Symbol.for('bk.error.ConfigError');

/**
 * Bad configuration or bad input: the CLI exits 2 and nothing was changed.
 * `key` points at the offending setting or flag when there is one (`databases.default.url`, `--keep`).
 */
export class ConfigError extends BkError {
  readonly [configErrorMarker] = true;

  /**
   * True for a `ConfigError` (or a subclass) from any copy of `@bk/core`: checks a global marker, not
   * the prototype, so it holds where `instanceof` fails (two installed copies of the package).
   */
  static override isInstance(value: unknown): value is ConfigError {
    return (
      BkError.isInstance(value) && (value as unknown as Record<symbol, unknown>)[configErrorMarker] === true
    );
  }

  /** The config key or CLI flag that is wrong, if known. */
  readonly key: string | undefined;

  constructor(message: string, options: BkErrorOptions & { key?: string; code?: string } = {}) {
    super(options.code ?? 'BK_CONFIG_INVALID', message, { category: 'config', ...options });
    this.name = 'ConfigError';
    this.key = options.key;
  }
}
