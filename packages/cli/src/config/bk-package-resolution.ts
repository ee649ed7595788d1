import module from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The packages a project file may import from bk: a `bk.config.ts` imports `defineConfig` from
 * `@bk/cli`; a custom connector imports `@bk/core` (and its tests `@bk/connector-test-suite`).
 */
const BK_PACKAGES = [
  '@bk/cli',
  '@bk/core',
  '@bk/rclone',
  '@bk/connector-pg',
  '@bk/connector-mysql',
  '@bk/connector-sqlite',
  '@bk/connector-mongo',
  '@bk/connector-test-suite',
] as const;

const SCOPE = '@bk/';
let hooked = false;

/**
 * Makes every `import '@bk/…'` in the process resolve to the copy this bk runs on, whenever this bk
 * can resolve it (its own packages, and connectors installed next to it): a project's
 * `bk.config.mjs` or connector module then loads under a globally installed bk with nothing
 * installed in the project, and one copy of `@bk/core` is in play (a project's own copy is not
 * loaded beside bk's). Anything bk cannot resolve falls back to Node's usual resolution.
 * Idempotent; for the `bk` process only (a library never changes resolution).
 */
export function useBkPackagesEverywhere(): void {
  if (hooked) return;
  hooked = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith(SCOPE)) {
        try {
          return nextResolve(specifier, { ...context, parentURL: import.meta.url });
        } catch {
          // not installed next to bk: resolve it from the importing file as usual
        }
      }
      return nextResolve(specifier, context);
    },
  });
}

/**
 * The same mapping for jiti (TypeScript config files and connector modules), whose resolver does not
 * go through Node's hooks: each `@bk/*` package this bk can resolve, to its entry file.
 */
export function bkPackageAliases(): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const name of BK_PACKAGES) {
    try {
      aliases[name] = fileURLToPath(import.meta.resolve(name));
    } catch {
      // not installed next to this bk
    }
  }
  return aliases;
}
