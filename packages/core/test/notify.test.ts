import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  createNotifier,
  NotifyError,
  type NotifyEvent,
  redactTarget,
  sendNotifications,
  slackMessage,
} from '../src/index.js';
import { startRecordingServer } from './helpers/recording-server.js';

let server: Awaited<ReturnType<typeof startRecordingServer>>;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(async () => {
  await server.close();
});

function event(overrides: Partial<NotifyEvent> = {}): NotifyEvent {
  return {
    event: 'succeeded',
    scope: 'database',
    command: 'dbbackup',
    database: 'main',
    bytes: 1234,
    durationMs: 2500,
    host: hostname(),
    time: '2026-04-10T18:00:00.000Z',
    ...overrides,
  };
}

function received(prefix: string) {
  return server.requests.filter((request) => request.path.startsWith(prefix));
}

describe('notifiers', () => {
  it('webhook: POSTs the event as JSON, only the events it is configured for', async () => {
    const notifier = createNotifier({
      type: 'webhook',
      url: `${server.url}/hook-a?token=s3cret`,
      events: ['failed'],
      headers: { authorization: 'Bearer abc' },
    });
    expect(notifier.target).toBe(`${server.url}/***`);
    expect(await sendNotifications([notifier], event())).toEqual([]);
    const failed = event({ event: 'failed', error: 'pg_dump exited 1: boom', bytes: undefined });
    const [result] = await sendNotifications([notifier], failed);
    expect(result).toMatchObject({ ok: true, type: 'webhook', event: 'failed', target: `${server.url}/***` });
    const requests = received('/hook-a');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.path).toBe('/hook-a?token=s3cret');
    expect(requests[0]?.headers['content-type']).toBe('application/json');
    expect(requests[0]?.headers.authorization).toBe('Bearer abc');
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      event: 'failed',
      scope: 'database',
      command: 'dbbackup',
      database: 'main',
      durationMs: 2500,
      error: 'pg_dump exited 1: boom',
      host: hostname(),
      time: '2026-04-10T18:00:00.000Z',
    });
  });

  it('slack: a formatted message with a fallback text, successes and failures by default', async () => {
    const notifier = createNotifier({ type: 'slack', url: `${server.url}/services/T0/B0/xyz` });
    expect(notifier.scope).toBe('database');
    await sendNotifications([notifier], event({ event: 'started' }));
    await sendNotifications([notifier], event());
    await sendNotifications([notifier], event({ event: 'failed', error: 'rclone rcat exited 1' }));
    const bodies = received('/services/').map((request) => JSON.parse(request.body));
    expect(bodies).toHaveLength(2);
    expect(bodies[0].text).toBe(
      `:white_check_mark: bk dbbackup main succeeded on ${hostname()}: 1.2 kB in 2.5 s`,
    );
    expect(bodies[0].blocks[0].fields).toContainEqual({ type: 'mrkdwn', text: '*Database*\nmain' });
    expect(bodies[1].text).toBe(`:x: bk dbbackup main failed on ${hostname()}: rclone rcat exited 1`);
    expect(bodies[1].blocks[1].text.text).toBe('```rclone rcat exited 1```');
    expect(slackMessage(event()).text).toBe(bodies[0].text);
  });

  it('healthchecks: /start, the check URL itself on success, /fail with the log tail', async () => {
    const notifier = createNotifier({ type: 'healthchecks', url: `${server.url}/hc/abc-123/` });
    expect(notifier.scope).toBe('run');
    const run = { scope: 'run' as const, database: 'main,cache' };
    await sendNotifications([notifier], event({ ...run, event: 'started' }));
    await sendNotifications([notifier], event({ ...run, logTail: 'main: ok\ncache: ok' }));
    await sendNotifications(
      [notifier],
      event({ ...run, event: 'failed', logTail: 'cache: pg_dump exited 1' }),
    );
    const requests = received('/hc/');
    expect(requests.map((request) => [request.method, request.path, request.body])).toEqual([
      ['POST', '/hc/abc-123/start', `bk dbbackup main,cache started on ${hostname()}: 1.2 kB in 2.5 s`],
      ['POST', '/hc/abc-123', 'main: ok\ncache: ok'],
      ['POST', '/hc/abc-123/fail', 'cache: pg_dump exited 1'],
    ]);
  });

  it('a failing destination is reported, not thrown, and its URL secret never appears', async () => {
    const notifier = createNotifier({ type: 'webhook', url: `${server.url}/status/500/secret-token` });
    const [result] = await sendNotifications([notifier], event());
    expect(result?.ok).toBe(false);
    expect(result?.error).toBe(`notification to ${server.url}/*** failed: HTTP 500`);
    expect(result?.error).not.toContain('secret-token');
    await expect(notifier.send(event())).rejects.toBeInstanceOf(NotifyError);
    const refused = createNotifier({ type: 'slack', url: 'http://127.0.0.1:1/services/x' });
    const [down] = await sendNotifications([refused], event());
    expect(down?.ok).toBe(false);
    expect(down?.error).toMatch(/^notification to http:\/\/127\.0\.0\.1:1\/\*\*\* failed: /);
  });

  it('a hanging destination is cut off by its timeout, and the others are not held up', async () => {
    const hanging = createNotifier({ type: 'webhook', url: `${server.url}/hang/1`, timeoutMs: 300 });
    const fine = createNotifier({ type: 'webhook', url: `${server.url}/fine` });
    const started = Date.now();
    const results = await sendNotifications([hanging, fine], event());
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2000);
    expect(results.map((result) => result.ok)).toEqual([false, true]);
    expect(results[0]?.error).toBe(`notification to ${server.url}/*** failed: no answer within 300 ms`);
  });

  it('rejects URLs that are not http(s) and unknown types, and redacts targets', () => {
    expect(() => createNotifier({ type: 'webhook', url: 'ftp://x/y' })).toThrow(ConfigError);
    expect(() => createNotifier({ type: 'pager', url: 'https://x' } as never)).toThrow(
      /unknown notifier type/,
    );
    expect(redactTarget('https://hc-ping.com/0f1e-uuid')).toBe('https://hc-ping.com/***');
    expect(redactTarget('https://example.com')).toBe('https://example.com');
    expect(redactTarget('https://user:pw@example.com/')).toBe('https://example.com');
  });
});
