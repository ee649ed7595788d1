import { defineConfig } from 'tsup';
import { baseConfig } from '../../tsup.base.ts';

// splitting: commands, @bk/core and the connectors load only when a command runs (fast `bk --help`).
export default defineConfig({ ...baseConfig, entry: ['src/index.ts', 'src/bin.ts'], splitting: true });
