import { BkError, type Connector } from '@bk/core';
import { createConnector } from '../config/create-connector.js';
import type { ResolvedDatabase } from '../config/types.js';

/** A configured database that the candidate target turned out to be. */
export interface ConfiguredTwin {
  /** The configured database. */
  database: ResolvedDatabase;
  /** Its target, redacted, for the message. */
  target: string;
}

/** What {@link findConfiguredTwin} found. */
export interface TwinSearch {
  /** The configured database the candidate is, when it is one. */
  twin: ConfiguredTwin | undefined;
  /**
   * Why bk could not prove the candidate is none of them (empty when it could): the candidate's
   * connector has no `identity()`, or a configured database could not be asked.
   */
  unverified: string[];
}

/** Options of {@link findConfiguredTwin}. */
export interface TwinSearchOptions {
  /** The database a restore would write into. */
  candidate: Connector;
  /** Its configured entry, or the drill's scratch entry (for its connector kind). */
  candidateDatabase: ResolvedDatabase;
  /** The configured databases to compare with. */
  databases: readonly ResolvedDatabase[];
  /** A configured alias to leave out (the database being restored, when it is the candidate itself). */
  skip?: string;
  signal?: AbortSignal;
}

function sameKind(one: ResolvedDatabase, other: ResolvedDatabase): boolean {
  return one.connector === other.connector && one.module === other.module;
}

function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Asks `connector.identity()`; `undefined` when the connector cannot say, else its error. */
async function identityOf(connector: Connector, signal: AbortSignal | undefined) {
  if (connector.identity === undefined) return { identity: undefined, error: undefined };
  try {
    return { identity: await connector.identity({ signal }), error: undefined };
  } catch (error) {
    if (BkError.isInstance(error) && error.category === 'usage') throw error;
    return { identity: undefined, error };
  }
}

/**
 * Decides whether `candidate` is one of the configured databases, from what the server or the
 * filesystem reports ({@link Connector.identity}), never from the text of a URL: `localhost` and
 * `127.0.0.1`, a socket and TCP, the default port left out, a symlink or a hard link are all the same
 * database. Compares with every configured database of the same connector (a PostgreSQL target
 * cannot be a SQLite file). Equal `target` strings always count as the same, with or without
 * identities. The candidate's own `identity()` failing is thrown (the server cannot be reached).
 */
export async function findConfiguredTwin(options: TwinSearchOptions): Promise<TwinSearch> {
  const { candidate, signal } = options;
  const others = options.databases.filter(
    (database) => database.name !== options.skip && sameKind(database, options.candidateDatabase),
  );
  const unverified: string[] = [];
  if (others.length === 0) return { twin: undefined, unverified };
  if (candidate.identity === undefined) {
    unverified.push(`the ${candidate.id} connector cannot tell which database a URL reaches (no identity())`);
  }
  const mine = candidate.identity === undefined ? undefined : await candidate.identity({ signal });
  const opened = await Promise.all(
    others.map(async (database) => {
      try {
        return { database, connector: await createConnector(database), error: undefined };
      } catch (error) {
        return { database, connector: undefined, error };
      }
    }),
  );
  try {
    const identities = await Promise.all(
      opened.map(async (entry) =>
        entry.connector === undefined
          ? { identity: undefined, error: entry.error }
          : identityOf(entry.connector, signal),
      ),
    );
    for (const [index, entry] of opened.entries()) {
      const { identity, error } = identities[index]!;
      const target = entry.connector?.target ?? entry.database.name;
      const sameText = entry.connector !== undefined && entry.connector.target === candidate.target;
      if (sameText || (mine !== undefined && identity === mine)) {
        return { twin: { database: entry.database, target }, unverified };
      }
      if (mine !== undefined && identity === undefined) {
        unverified.push(
          error === undefined
            ? `databases.${entry.database.name} cannot be identified (its connector has no identity())`
            : `databases.${entry.database.name} cannot be identified: ${shortReason(error)}`,
        );
      }
    }
  } finally {
    await Promise.allSettled(opened.map((entry) => entry.connector?.close?.()));
  }
  return { twin: undefined, unverified };
}
