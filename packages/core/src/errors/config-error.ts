import { BkError, type BkErrorOptions } from './bk-error.js';

/**
 * Bad configuration or bad input: the CLI exits 2 and nothing was changed.
 * `key` points at the offending setting or flag when there is one (`databases.default.url`, `--keep`).
 */
export class ConfigError extends BkError {
  /** The config key or CLI flag that is wrong, if known. */
  readonly key: string | undefined;

  constructor(message: string, options: BkErrorOptions & { key?: string; code?: string } = {}) {
    super(options.code ?? 'BK_CONFIG_INVALID', message, { category: 'config', ...options });
    this.name = 'ConfigError';
    this.key = options.key;
  }
}
