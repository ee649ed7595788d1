/** What happened: a run (or one database of it) started, succeeded or failed. */
export type NotifyEventType = 'started' | 'succeeded' | 'failed';

/**
 * One notification. `scope: 'database'` events describe one database of a run; `scope: 'run'`
 * events describe a whole command run (what healthchecks-style pings want).
 */
export interface NotifyEvent {
  /** `started`, `succeeded` or `failed`. */
  event: NotifyEventType;
  /** Whether this describes one database or the whole run. */
  scope: 'database' | 'run';
  /** The bk command (`dbbackup`, `cleanup`, ...). */
  command: string;
  /** The database alias (`default`, or `media`); for a run, every alias it worked on, comma-separated. */
  database: string | undefined;
  /** Bytes written or read, when known. */
  bytes?: number | undefined;
  /** How long it took, in milliseconds (not set for `started`). */
  durationMs?: number | undefined;
  /** The error message, for `failed` (already redacted). */
  error?: string | undefined;
  /** The last lines of the run's log, for `run` events that end it (healthchecks body). */
  logTail?: string | undefined;
  /** Host name of the machine that ran bk. */
  host: string;
  /** ISO 8601 UTC time of the event. */
  time: string;
}

/** A generic webhook: one JSON POST per event (the {@link NotifyEvent} itself). */
export interface WebhookNotifierConfig {
  type: 'webhook';
  /** The URL to POST to. Treated as a secret in logs (only its origin is shown). */
  url: string;
  /** The events to send. @default ["started", "succeeded", "failed"] */
  events?: NotifyEventType[];
  /** Extra request headers (`Authorization`, ...). @default {} */
  headers?: Record<string, string>;
  /** Per-request timeout in milliseconds. @default 10000 */
  timeoutMs?: number;
}

/** A Slack incoming webhook: one formatted message per event. */
export interface SlackNotifierConfig {
  type: 'slack';
  /** The incoming-webhook URL (`https://hooks.slack.com/services/...`). Treated as a secret. */
  url: string;
  /** The events to send. @default ["succeeded", "failed"] */
  events?: NotifyEventType[];
  /** Per-request timeout in milliseconds. @default 10000 */
  timeoutMs?: number;
}

/**
 * A healthchecks.io-style check URL: `<url>/start` when a run starts, `<url>` when it succeeds and
 * `<url>/fail` when it fails, each POST carrying the run's log tail. Gets `run` events only.
 */
export interface HealthchecksNotifierConfig {
  type: 'healthchecks';
  /** The check's ping URL (`https://hc-ping.com/<uuid>`). Treated as a secret. */
  url: string;
  /** The events to send. @default ["started", "succeeded", "failed"] */
  events?: NotifyEventType[];
  /** Per-request timeout in milliseconds. @default 10000 */
  timeoutMs?: number;
}

/** Any notifier's config. */
export type NotifierConfig = WebhookNotifierConfig | SlackNotifierConfig | HealthchecksNotifierConfig;

/** Sends events to one destination. Made by `createNotifier`. */
export interface Notifier {
  /** `webhook`, `slack` or `healthchecks`. */
  readonly type: NotifierConfig['type'];
  /** The destination with every secret removed (scheme, host and `/***`), safe for logs. */
  readonly target: string;
  /** Which events it wants: one per database, or one per run. */
  readonly scope: 'database' | 'run';
  /** The per-request timeout in milliseconds. */
  readonly timeoutMs: number;
  /** Whether it sends this kind of event. */
  accepts(event: NotifyEvent): boolean;
  /**
   * Sends one event. Rejects with `NotifyError` on a non-2xx answer, a network error or the
   * timeout; `signal` aborts it early.
   */
  send(event: NotifyEvent, options?: { signal?: AbortSignal }): Promise<void>;
}

/** What happened to one notification (`sendNotifications` never throws). */
export interface NotifyResult {
  /** The notifier's redacted target. */
  target: string;
  /** Notifier type. */
  type: NotifierConfig['type'];
  /** The event sent. */
  event: NotifyEventType;
  /** True when the destination answered 2xx in time. */
  ok: boolean;
  /** Why it failed (redacted), when it did. */
  error?: string;
  /** How long the request took. */
  durationMs: number;
}
