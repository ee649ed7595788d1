import createDebug from 'debug';
import { NotifyError } from './notify-error.js';

const debug = createDebug('bk:core:notify');

/** `https://hooks.slack.com/***`: scheme and host only, since the path or query often is the secret. */
export function redactTarget(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname === '/' && parsed.search === '' ? '' : '/***';
    return `${parsed.protocol}//${parsed.host}${path}`;
  } catch {
    return '<invalid url>';
  }
}

/**
 * A URL with `user:password@` cannot be fetched as is (fetch refuses credentials in a URL): they
 * become an HTTP basic `authorization` header, as a browser would send them, and leave the URL.
 */
function splitCredentials(url: string): { url: string; authorization: string | undefined } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, authorization: undefined };
  }
  if (!parsed.username && !parsed.password) return { url, authorization: undefined };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.toString(),
    authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
  };
}

/**
 * POSTs `body` with global fetch, bounded by `timeoutMs` (AbortSignal.timeout) and `signal`.
 *
 * @throws {@link NotifyError} on a non-2xx status, a network error or the timeout; the message
 * names the redacted target, never the URL.
 */
export async function post(
  url: string,
  body: string,
  options: { contentType: string; headers?: Record<string, string>; timeoutMs: number; signal?: AbortSignal },
): Promise<void> {
  const target = redactTarget(url);
  const { url: bare, authorization: fromUrl } = splitCredentials(url);
  const ownHeader = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
  const authorization = ownHeader ? undefined : fromUrl;
  const signals = [AbortSignal.timeout(options.timeoutMs)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await fetch(bare, {
      method: 'POST',
      headers: {
        'content-type': options.contentType,
        'user-agent': 'bk',
        ...(authorization ? { authorization } : {}),
        ...options.headers,
      },
      body,
      signal: AbortSignal.any(signals),
      redirect: 'follow',
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    // fetch's own messages can quote the URL: only the target is ever shown.
    const raw = timedOut
      ? `no answer within ${options.timeoutMs} ms`
      : error instanceof Error
        ? ((error.cause as Error | undefined)?.message ?? error.message)
        : String(error);
    const why = raw.split(bare).join(target).split(url).join(target);
    throw new NotifyError(`notification to ${target} failed: ${why}`, {
      target,
      hint: timedOut ? 'check the URL, or raise the notifier timeout' : 'check the URL and the network',
    });
  }
  // Drain the body so the connection is released.
  await response.arrayBuffer().catch(() => undefined);
  debug('POST %s -> %d', target, response.status);
  if (!response.ok) {
    throw new NotifyError(`notification to ${target} failed: HTTP ${response.status}`, {
      target,
      status: response.status,
      hint: 'check the URL (a 404 often means a revoked webhook)',
    });
  }
}
