import type { Readable } from 'node:stream';
import createDebug from 'debug';
import type { RcloneNotice, RcloneProgress } from './types.js';

/** One object rclone skipped because of `--dry-run`, from its JSON log. */
export interface DryRunSkip {
  /** What rclone would have done: `copy`, `delete`, `move`, `move into backup dir`, ... */
  action: string;
  /** The object's path relative to the source or destination root. */
  object: string;
}

/** The shape of rclone's `stats` object in `--use-json-log` lines (1.60). */
interface JsonStats {
  bytes?: number;
  totalBytes?: number;
  speed?: number;
  transfers?: number;
  totalTransfers?: number;
  checks?: number;
  deletes?: number;
  elapsedTime?: number;
}

const debug = createDebug('bk:rclone');
/** Options of a {@link StderrLog}. */
export interface StderrLogOptions {
  /** Receives each stats line as progress. @default undefined */
  onProgress?: ((progress: RcloneProgress) => void) | undefined;
  /** Adjusts progress before it is stored and reported. @default identity */
  mapProgress?: ((progress: RcloneProgress) => RcloneProgress) | undefined;
  /** Keep the whole stderr text (for `run`). @default false */
  keepRaw?: boolean;
  /** Receives every NOTICE-or-above message (see {@link RcloneNotice}). @default undefined */
  onNotice?: ((notice: RcloneNotice) => void) | undefined;
}

const CONFIG_NOT_FOUND = /Config file .* not found - using defaults/;
const TIMESTAMP =
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (?:(?:ERROR|NOTICE|INFO|DEBUG|CRITICAL|EMERGENCY|ALERT|WARNING) *: )?/;
const TAIL_LINES = 20;
const CHATTER = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (?:DEBUG|INFO) *: /;
const PLAIN_NOTICE =
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} (NOTICE|ERROR|CRITICAL|EMERGENCY|ALERT|WARNING) *: (.*)$/;
/** rclone's text levels as its JSON log names them (NOTICE is `warning` there). */
const JSON_LEVEL: Record<string, string> = { NOTICE: 'warning', WARNING: 'warning' };

/**
 * Reads rclone's stderr line by line. JSON log lines (`--use-json-log`) with `stats` become
 * progress reports, `--dry-run` skips are collected, and every other message (JSON `msg` fields
 * and plain lines such as the final `Failed to ...`) is kept in a short tail for error messages.
 */
export class StderrLog {
  /** The last stats rclone printed (its final stats after a clean exit). */
  stats: RcloneProgress | undefined;
  /** Objects skipped because of `--dry-run`, in log order. */
  readonly skipped: DryRunSkip[] = [];
  readonly #lines: string[] = [];
  readonly #onProgress: ((progress: RcloneProgress) => void) | undefined;
  readonly #mapProgress: (progress: RcloneProgress) => RcloneProgress;
  readonly #raw: string[] | undefined;
  readonly #onNotice: ((notice: RcloneNotice) => void) | undefined;
  #pending = '';

  constructor(options: StderrLogOptions = {}) {
    this.#onProgress = options.onProgress;
    this.#mapProgress = options.mapProgress ?? ((progress) => progress);
    this.#raw = options.keepRaw ? [] : undefined;
    this.#onNotice = options.onNotice;
  }

  /** Everything rclone wrote to stderr, when created with `keepRaw` (else `''`). */
  raw(): string {
    return this.#raw?.join('') ?? '';
  }

  /** Starts reading `stream`; resolves nothing, the caller awaits the process. */
  attach(stream: Readable | null | undefined): this {
    if (!stream) return this;
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.flush());
    return this;
  }

  /** Feeds a piece of stderr text. */
  push(chunk: string): void {
    this.#raw?.push(chunk);
    const text = this.#pending + chunk;
    const lines = text.split('\n');
    this.#pending = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** Processes a last line without a newline. */
  flush(): void {
    if (this.#pending) this.#line(this.#pending);
    this.#pending = '';
  }

  /** The last lines of rclone's messages (not redacted: the caller redacts). */
  tail(): string {
    return this.#lines.join('\n');
  }

  #keep(message: string): void {
    // DEBUG and INFO lines (-v, -vv) never explain a failure and would push the line that does
    // (`Failed to ...`) out of the tail; -vv also echoes the whole command line.
    if (CHATTER.test(message)) return;
    const line = message.replace(TIMESTAMP, '').trim();
    if (!line || CONFIG_NOT_FOUND.test(line)) return;
    this.#lines.push(line);
    if (this.#lines.length > TAIL_LINES) this.#lines.shift();
  }

  #line(line: string): void {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) {
      this.#keep(trimmed);
      const plain = PLAIN_NOTICE.exec(trimmed);
      if (plain)
        this.#notice({ level: JSON_LEVEL[plain[1]!] ?? plain[1]!.toLowerCase(), message: plain[2]! });
      return;
    }
    let entry: {
      msg?: unknown;
      stats?: JsonStats;
      skipped?: unknown;
      object?: unknown;
      objectType?: unknown;
      level?: unknown;
    };
    try {
      entry = JSON.parse(trimmed);
    } catch {
      this.#keep(trimmed);
      return;
    }
    if (entry.stats && typeof entry.stats === 'object') {
      this.#stats(entry.stats);
      return;
    }
    if (typeof entry.skipped === 'string' && typeof entry.object === 'string') {
      this.skipped.push({ action: entry.skipped, object: entry.object });
      return;
    }
    if (entry.level === 'debug' || entry.level === 'info') return;
    if (typeof entry.msg === 'string') {
      this.#keep(entry.msg);
      this.#notice({
        level: typeof entry.level === 'string' ? entry.level : 'warning',
        message: entry.msg,
        ...(typeof entry.object === 'string' ? { object: entry.object } : {}),
        ...(typeof entry.objectType === 'string' ? { objectType: entry.objectType } : {}),
      });
    }
  }

  #notice(notice: RcloneNotice): void {
    if (!this.#onNotice || CONFIG_NOT_FOUND.test(notice.message)) return;
    try {
      this.#onNotice(notice);
    } catch (error) {
      debug('onNotice listener threw: %O', error);
    }
  }

  #stats(stats: JsonStats): void {
    const progress = this.#mapProgress({
      bytes: stats.bytes ?? 0,
      totalBytes: stats.totalBytes,
      speed: stats.speed ?? 0,
      transfers: stats.transfers ?? 0,
      totalTransfers: stats.totalTransfers,
      checks: stats.checks ?? 0,
      deletes: stats.deletes ?? 0,
      elapsedTime: stats.elapsedTime ?? 0,
    });
    this.stats = progress;
    try {
      this.#onProgress?.(progress);
    } catch (error) {
      // A listener's bug must not break the transfer; it is logged, not thrown into rclone's stderr reader.
      debug('onProgress listener threw: %O', error);
    }
  }
}
