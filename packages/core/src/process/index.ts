export { type CommandEvent, formatCommand, onCommand, reportCommand } from './command-log.js';
export { failStream } from './fail-stream.js';
export { type ProcessSpec, runCommand, spawnReader, spawnWriter, toProcessError } from './spawn.js';
export { StderrTail } from './stderr-tail.js';
