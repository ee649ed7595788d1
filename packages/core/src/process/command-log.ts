import { EventEmitter } from 'node:events';

/** A program bk is about to run, with secrets already redacted from its arguments. */
export interface CommandEvent {
  /** The program as users know it (`pg_dump`). */
  process: string;
  /** The command line, redacted, ready to show (`--verbose`). */
  command: string;
}

const emitter = new EventEmitter();

/**
 * Subscribes to every external command bk runs (dump tools, restore tools, rclone through
 * `RcloneStorage`). The CLI's `--verbose` uses it. Returns the unsubscribe function.
 */
export function onCommand(listener: (event: CommandEvent) => void): () => void {
  emitter.on('command', listener);
  return () => emitter.off('command', listener);
}

/** Reports a command to {@link onCommand} listeners. Called by connectors and storages. */
export function reportCommand(event: CommandEvent): void {
  emitter.emit('command', event);
}

/** Quotes arguments for display only (never executed through a shell). */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args]
    .map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}
