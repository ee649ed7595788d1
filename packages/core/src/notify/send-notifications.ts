import createDebug from 'debug';
import type { Notifier, NotifyEvent, NotifyResult } from './types.js';

const debug = createDebug('bk:core:notify');

/**
 * Sends `event` to every notifier that accepts it (callers pick notifiers by `scope`), all at once, and waits for them: each is bounded
 * by its own timeout, so this settles within the longest timeout. Never throws: each failure comes
 * back as a {@link NotifyResult} with `ok: false` and a redacted message, for the caller to log.
 */
export async function sendNotifications(
  notifiers: readonly Notifier[],
  event: NotifyEvent,
  options: { signal?: AbortSignal } = {},
): Promise<NotifyResult[]> {
  const chosen = notifiers.filter((notifier) => notifier.accepts(event));
  return Promise.all(
    chosen.map(async (notifier): Promise<NotifyResult> => {
      const started = Date.now();
      const base = { target: notifier.target, type: notifier.type, event: event.event };
      try {
        await notifier.send(event, options.signal ? { signal: options.signal } : {});
        return { ...base, ok: true, durationMs: Date.now() - started };
      } catch (error) {
        debug('%s %s failed: %O', notifier.type, notifier.target, error);
        const message = error instanceof Error ? error.message : String(error);
        return { ...base, ok: false, error: message, durationMs: Date.now() - started };
      }
    }),
  );
}
