import { ConfigError } from '../errors/config-error.js';
import { describeEvent } from './format-event.js';
import { post, redactTarget } from './post.js';
import type { Notifier, NotifierConfig, NotifyEvent, NotifyEventType } from './types.js';

/** Per-request timeout when a notifier sets none. @default 10000 */
export const DEFAULT_NOTIFY_TIMEOUT_MS = 10_000;

const ALL: readonly NotifyEventType[] = ['started', 'succeeded', 'failed'];

/**
 * Creates a notifier from its config: `webhook` (the event as JSON), `slack` (a formatted message)
 * or `healthchecks` (`/start`, success and `/fail` pings with the log tail).
 *
 * @throws `ConfigError` for an unknown type or a URL that is not http(s).
 */
export function createNotifier(config: NotifierConfig, key = 'notify'): Notifier {
  let parsed: URL | undefined;
  try {
    parsed = new URL(config.url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ConfigError('expected an http:// or https:// URL', { key: `${key}.url` });
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_NOTIFY_TIMEOUT_MS;
  const target = redactTarget(config.url);
  switch (config.type) {
    case 'webhook': {
      const events = config.events ?? ALL;
      return {
        type: 'webhook',
        target,
        scope: 'database',
        timeoutMs,
        accepts: (event) => events.includes(event.event),
        send: (event, options = {}) =>
          post(config.url, JSON.stringify(event), {
            contentType: 'application/json',
            ...(config.headers ? { headers: config.headers } : {}),
            timeoutMs,
            ...options,
          }),
      };
    }
    case 'slack': {
      const events = config.events ?? ['succeeded', 'failed'];
      return {
        type: 'slack',
        target,
        scope: 'database',
        timeoutMs,
        accepts: (event) => events.includes(event.event),
        send: (event, options = {}) =>
          post(config.url, JSON.stringify(slackMessage(event)), {
            contentType: 'application/json',
            timeoutMs,
            ...options,
          }),
      };
    }
    case 'healthchecks': {
      const events = config.events ?? ALL;
      const base = config.url.replace(/\/+$/, '');
      return {
        type: 'healthchecks',
        target,
        scope: 'run',
        timeoutMs,
        accepts: (event) => events.includes(event.event),
        send: (event, options = {}) =>
          post(healthchecksUrl(base, event), event.logTail ?? describeEvent(event), {
            contentType: 'text/plain; charset=utf-8',
            timeoutMs,
            ...options,
          }),
      };
    }
    default:
      throw new ConfigError(`unknown notifier type ${JSON.stringify((config as { type: unknown }).type)}`, {
        key: `${key}.type`,
        hint: 'use "webhook", "slack" or "healthchecks"',
      });
  }
}

function healthchecksUrl(base: string, event: NotifyEvent): string {
  const query = base.indexOf('?');
  const [path, search] = query === -1 ? [base, ''] : [base.slice(0, query), base.slice(query)];
  const suffix = event.event === 'started' ? '/start' : event.event === 'failed' ? '/fail' : '';
  return `${path}${suffix}${search}`;
}

/** A Slack message: a fallback `text` plus a block with the details. */
export function slackMessage(event: NotifyEvent): Record<string, unknown> {
  const icon =
    event.event === 'failed' ? ':x:' : event.event === 'succeeded' ? ':white_check_mark:' : ':hourglass:';
  const text = `${icon} ${describeEvent(event)}`;
  const fields = [
    { type: 'mrkdwn', text: `*Command*\n\`bk ${event.command}\`` },
    { type: 'mrkdwn', text: `*Database*\n${event.database ?? '-'}` },
    { type: 'mrkdwn', text: `*Host*\n${event.host}` },
    { type: 'mrkdwn', text: `*Status*\n${event.event}` },
  ];
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text }, fields }];
  if (event.event === 'failed' && event.error) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `\`\`\`${event.error.slice(0, 2800)}\`\`\`` },
    });
  }
  return { text, blocks };
}
