import { connectorTestSuite } from '@bk/connector-test-suite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteFactory } from './fixtures.js';

connectorTestSuite({ describe, it, expect, beforeEach, afterEach }, sqliteFactory, {
  name: 'sqlite conformance',
  programs: ['sqlite3'],
  capabilities: {
    atomicRestore: true,
    excludeTables: false,
    selectiveRestore: false,
    rowCounts: true,
    sizeEstimate: true,
  },
  password: false,
  identity: true,
});
