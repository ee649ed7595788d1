import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectorTestSuite, type TestApi } from '../src/index.js';
import { dirFactory } from './dir-factory.js';

const capabilities = {
  atomicRestore: true,
  excludeTables: true,
  selectiveRestore: false,
  rowCounts: true,
  sizeEstimate: true,
};

// A well-behaved connector passes every test.
connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, dirFactory(), {
  name: 'reference connector',
  programs: ['tar'],
  capabilities,
  excludableTable: 'users',
  serverVersion: false,
  identity: true,
});

/** An `it` that registers the named tests as expected failures (`it.fails`) and skips the rest. */
function onlyFailing(pattern: RegExp): TestApi['it'] {
  const register = (name: string, fn: () => Promise<void>, timeout?: number) => {
    if (pattern.test(name)) it.fails(name, fn, timeout);
  };
  return register as unknown as TestApi['it'];
}

// A connector that puts its password in argv must fail the argv test: proof the check can fail.
connectorTestSuite(
  { describe, it: onlyFailing(/no secret appears/), expect, afterEach },
  dirFactory({ leakPassword: true }),
  {
    name: 'connector leaking its password in argv',
    programs: ['tar'],
    capabilities,
    excludableTable: 'users',
    serverVersion: false,
  },
);

// Declaring a capability the connector does not have fails the contract test.
connectorTestSuite({ describe, it: onlyFailing(/declares its capabilities/), expect }, dirFactory(), {
  name: 'connector with dishonest capabilities',
  capabilities: { ...capabilities, selectiveRestore: true },
  excludableTable: 'users',
  serverVersion: false,
});

// An identity taken from the text of the path (a symlink is "another database") fails the identity test.
connectorTestSuite(
  { describe, it: onlyFailing(/identity\(\) names the database/), expect },
  dirFactory({ textIdentity: true }),
  {
    name: 'connector whose identity is the spelling',
    capabilities,
    excludableTable: 'users',
    serverVersion: false,
    identity: true,
  },
);

// A connector with identity() that does not declare it fails (its flags are honest).
connectorTestSuite({ describe, it: onlyFailing(/declares no identity/), expect }, dirFactory(), {
  name: 'connector with an undeclared identity()',
  capabilities,
  excludableTable: 'users',
  serverVersion: false,
});
