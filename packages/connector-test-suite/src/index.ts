export { type ArgvReport, type ArgvWatch, watchArgv } from './argv-watch.js';
export { type ExecRecorder, recordExecs } from './exec-recorder.js';
export {
  listDescendantPids,
  listDescendants,
  type ProcessInfo,
  readCmdline,
  waitForNoDescendants,
} from './process-tree.js';
export { dumpToBuffer, garbage, partialStream } from './streams.js';
export { connectorTestSuite } from './suite.js';
export type {
  ConnectorFactory,
  ConnectorFixture,
  ConnectorTestSuiteOptions,
  CreateFixtureOptions,
  TestApi,
} from './types.js';
