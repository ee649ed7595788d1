import { describeFaultMatrix } from './fault-harness.js';
import { MONGO_STANDIN_BIN, mongoStandinServer } from './helpers.js';

// Each run starts four node stand-in processes (check probe, --version, describe probe, dump):
// ~1.5x the SQLite file's time.
describeFaultMatrix('MongoDB (stand-in tools)', async () => {
  const documents = (collection: string) =>
    Array.from({ length: 1500 }, (_, index) => ({
      _id: index + 1,
      body: `${collection}-${index}-${Math.random().toString(36).repeat(4)}`,
    }));
  const server = await mongoStandinServer('f4ult:p@ss/w%rd', {
    items: documents('items'),
    users: documents('users'),
  });
  return {
    url: server.url,
    dumpTool: /mongodump/,
    path: MONGO_STANDIN_BIN,
    env: { BK_MONGO_STANDIN_DIR: server.dir },
  };
});
