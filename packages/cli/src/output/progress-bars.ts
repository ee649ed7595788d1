import type { BkEvent } from '@bk/core';
import { MultiBar, type SingleBar } from 'cli-progress';
import colors from 'picocolors';
import { formatBytes } from './format.js';

const KNOWN = '{label} {bar} {percentage}% | {done}/{size} | {rate}/s | ETA {eta_formatted}';
const UNKNOWN = '{label} {done} | {rate}/s';

/** Progress bars on a terminal (stderr): one per running operation, with bytes, rate and ETA. */
export class ProgressBars {
  readonly #stream: NodeJS.WriteStream;
  #multi: MultiBar | undefined;
  readonly #bars = new Map<string, { bar: SingleBar; total: number | undefined }>();

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  /** True while at least one bar is shown. */
  get active(): boolean {
    return this.#bars.size > 0;
  }

  /** Updates the bars from an event. */
  update(event: BkEvent): void {
    const key = `${event.operation}:${event.database}`;
    if (event.type === 'started') {
      this.#start(key, `${event.operation} ${event.database}`, event.estimatedBytes);
    } else if (event.type === 'progress') {
      let entry =
        this.#bars.get(key) ?? this.#start(key, `${event.operation} ${event.database}`, event.estimatedBytes);
      // The estimate arrives with the first progress event (after `started`): switch to a bar with an ETA.
      if (entry.total === undefined && event.estimatedBytes !== undefined && event.estimatedBytes > 0) {
        this.#multi?.remove(entry.bar);
        entry = this.#start(key, `${event.operation} ${event.database}`, event.estimatedBytes);
      }
      const total = entry.total !== undefined ? Math.max(entry.total, event.bytes) : undefined;
      if (total !== undefined && total !== entry.total) {
        entry.total = total;
        entry.bar.setTotal(total);
      }
      entry.bar.update(total === undefined ? 0 : event.bytes, this.#payload(event.bytes, total, event.speed));
    } else if (event.type === 'completed' || event.type === 'failed') {
      const entry = this.#bars.get(key);
      if (!entry) return;
      this.#bars.delete(key);
      this.#multi?.remove(entry.bar);
      if (this.#bars.size === 0) this.stop();
    }
  }

  /** Writes a line above the bars. */
  log(line: string): void {
    this.#multi?.log(`${line}\n`);
  }

  /** Removes every bar and restores the cursor. */
  stop(): void {
    this.#bars.clear();
    this.#multi?.stop();
    this.#multi = undefined;
  }

  #start(key: string, label: string, estimatedBytes: number | undefined) {
    this.#multi ??= new MultiBar({
      stream: this.#stream,
      hideCursor: true,
      clearOnComplete: true,
      gracefulExit: false,
      barsize: 24,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      etaBuffer: 20,
      fps: 8,
    });
    const total = estimatedBytes !== undefined && estimatedBytes > 0 ? estimatedBytes : undefined;
    const bar = this.#multi.create(
      total ?? 1,
      0,
      { label: colors.cyan(label), ...this.#payload(0, total) },
      {
        format: total === undefined ? UNKNOWN : KNOWN,
      },
    );
    const entry = { bar, total };
    this.#bars.set(key, entry);
    return entry;
  }

  #payload(bytes: number, total: number | undefined, speed?: number) {
    return {
      done: formatBytes(bytes),
      size: total === undefined ? '?' : formatBytes(total),
      rate: formatBytes(speed ?? 0),
    };
  }
}
