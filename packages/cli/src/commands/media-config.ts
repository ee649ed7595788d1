import { ConfigError } from '@bk/core';
import type { MediaConfig, ResolvedConfig } from '../config/types.js';

/** The media settings, or a config error saying how to add them. */
export function requireMedia(config: ResolvedConfig): MediaConfig {
  if (!config.media) {
    throw new ConfigError('media.root is not set, so there are no media files to sync', {
      key: 'media.root',
      hint: `add "media": { "root": "./media" } to ${config.file ?? 'bk.config.json'}`,
    });
  }
  return config.media;
}
