import { BkError } from '@bk/core';

/**
 * `mongodump` exited 0 but its archive lists no collection. MongoDB has no such thing as an empty
 * database: a database exists once it holds a collection, so this is almost always a misspelled
 * database name. Set `allowEmpty: true` to accept empty dumps.
 */
export class MongoEmptyDumpError extends BkError {
  /** The database that was dumped, or `undefined` for a whole-server dump. */
  readonly database: string | undefined;

  constructor(database: string | undefined, target: string) {
    const what = database === undefined ? 'the server' : `database "${database}"`;
    super(
      'BK_MONGO_EMPTY_DUMP',
      `mongodump found no collection to dump in ${what} (${target}): it is empty or does not exist`,
      { hint: 'check the database name; set allowEmpty: true to back up an empty database' },
    );
    this.name = 'MongoEmptyDumpError';
    this.database = database;
  }
}
