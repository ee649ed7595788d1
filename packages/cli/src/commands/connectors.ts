import { BkError, type Connector } from '@bk/core';
import { createConnector } from '../config/create-connector.js';
import type { ResolvedDatabase } from '../config/types.js';

/** A configured database and its connector. */
export interface OpenDatabase {
  database: ResolvedDatabase;
  connector: Connector;
}

/** Creates the connectors of `databases` (config errors surface here, before any work). */
export async function openDatabases(databases: readonly ResolvedDatabase[]): Promise<OpenDatabase[]> {
  return Promise.all(
    databases.map(async (database) => ({ database, connector: await createConnector(database) })),
  );
}

/** Releases what the connectors hold. Never throws. */
export async function closeDatabases(open: readonly OpenDatabase[]): Promise<void> {
  await Promise.allSettled(open.map(({ connector }) => connector.close?.()));
}

/**
 * Runs each connector's `check()`. A usage or config failure (a missing binary, bad options) is
 * thrown at once, before anything is written; other failures (a database that is down) are
 * returned by alias so the command can go on with the rest.
 */
export async function checkDatabases(
  open: readonly OpenDatabase[],
  signal: AbortSignal,
): Promise<Map<string, unknown>> {
  const outcomes = await Promise.allSettled(open.map(({ connector }) => connector.check({ signal })));
  const failures = new Map<string, unknown>();
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') return;
    const reason: unknown = outcome.reason;
    if (BkError.isInstance(reason) && (reason.category === 'config' || reason.category === 'usage'))
      throw reason;
    failures.set(open[index]?.database.name ?? '', reason);
  });
  return failures;
}
