import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, type Connector } from '@bk/core';
import { bkPackageAliases } from './bk-package-resolution.js';

const BUILT_IN = 'pg, mysql, sqlite, mongo';
const HINT =
  `"connector" is one of ${BUILT_IN}, a package name ("@acme/bk-connector-redis") or a path relative to ` +
  'the config file ("./connectors/redis.mjs") whose module exports createConnector(options)';

/** TypeScript modules are loaded through jiti; everything else with Node's own `import()`. */
const TYPESCRIPT = /\.[mc]?ts$/;

/**
 * Resolves the module a custom `connector` names — a package name, or a path relative to the config
 * file — the way Node resolves an `import` written in the config file. Returns its `file:` URL.
 *
 * @throws {@link ConfigError} on `databases.<name>.connector` when nothing is found.
 */
export async function resolveConnectorModule(specifier: string, base: string, key: string): Promise<string> {
  const { createJiti } = await import('jiti');
  const parentURL = pathToFileURL(`${base}/bk.config.json`).href;
  const jiti = createJiti(parentURL, { moduleCache: false, fsCache: false });
  const resolved = jiti.esmResolve(specifier, { parentURL, try: true });
  if (resolved === undefined) {
    throw new ConfigError(`cannot find connector module ${specifier}`, { key, hint: HINT });
  }
  return resolved.startsWith('file:') ? resolved : pathToFileURL(resolved).href;
}

/**
 * Imports a custom connector module, calls its named export `createConnector(options)` and checks
 * that the result implements the v1 Connector contract.
 *
 * @throws {@link ConfigError} on `key` when the module cannot be loaded, has no `createConnector`
 * export, or returns something that is not a v1 connector.
 */
export async function loadCustomConnector(
  moduleUrl: string,
  options: Record<string, unknown>,
  key: string,
): Promise<Connector> {
  let module: { createConnector?: unknown };
  try {
    if (TYPESCRIPT.test(moduleUrl)) {
      const { createJiti } = await import('jiti');
      module = await createJiti(moduleUrl, {
        moduleCache: false,
        fsCache: false,
        alias: bkPackageAliases(),
      }).import(fileURLToPath(moduleUrl));
    } else {
      module = (await import(moduleUrl)) as { createConnector?: unknown };
    }
  } catch (error) {
    const reason = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new ConfigError(`cannot load connector module ${fileURLToPath(moduleUrl)}: ${reason}`, {
      key,
      cause: error,
      hint: 'run the module with node to see the full error',
    });
  }
  if (typeof module.createConnector !== 'function') {
    throw new ConfigError(
      `connector module ${fileURLToPath(moduleUrl)} does not export a function createConnector(options)`,
      { key, hint: HINT },
    );
  }
  const connector: unknown = await (module.createConnector as (input: unknown) => unknown)(options);
  const problem = contractProblem(connector);
  if (problem !== undefined) {
    throw new ConfigError(
      `createConnector() of ${fileURLToPath(moduleUrl)} did not return a v1 connector: ${problem}`,
      { key, hint: 'see docs/writing-a-connector.md for the Connector v1 contract' },
    );
  }
  return connector as Connector;
}

const CAPABILITIES = ['atomicRestore', 'excludeTables', 'selectiveRestore', 'rowCounts', 'sizeEstimate'];
const METHODS = ['dump', 'restore', 'describe', 'check'];

/** What is wrong with `value` as a v1 {@link Connector}, or `undefined` when nothing is. */
function contractProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return `got ${value === null ? 'null' : typeof value}`;
  const connector = value as Record<string, unknown>;
  if (connector.specificationVersion !== 'v1') {
    return `specificationVersion is ${JSON.stringify(connector.specificationVersion)}, expected "v1"`;
  }
  for (const member of ['id', 'extension', 'target']) {
    if (typeof connector[member] !== 'string' || connector[member] === '') return `${member} is not a string`;
  }
  if (!Array.isArray(connector.secrets)) return 'secrets is not an array';
  const capabilities = connector.capabilities as Record<string, unknown> | undefined;
  if (capabilities === null || typeof capabilities !== 'object') return 'capabilities is missing';
  const flag = CAPABILITIES.find((name) => typeof capabilities[name] !== 'boolean');
  if (flag !== undefined) return `capabilities.${flag} is not a boolean`;
  const method = METHODS.find((name) => typeof connector[name] !== 'function');
  if (method !== undefined) return `${method}() is missing`;
  return undefined;
}
