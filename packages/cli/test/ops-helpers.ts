import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A sqlite3 stand-in whose `.dump` writes a little, then fails (exit 5). */
export async function failingSqlite(dir: string): Promise<string> {
  const file = join(dir, 'fake-sqlite3-fail');
  await writeFile(
    file,
    `#!/bin/sh\nfor arg in "$@"; do if [ "$arg" = ".dump" ]; then printf 'BEGIN;\\n'; echo 'Error: disk I/O error' >&2; exit 5; fi; done\nexec /usr/bin/sqlite3 "$@"\n`,
  );
  await chmod(file, 0o755);
  return file;
}

/** A request the recording server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * An HTTP server on 127.0.0.1 recording every request: `/hang...` never answers, anything else
 * answers 200. Closed after the test file.
 */
export async function recordingServer() {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      requests.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (path.startsWith('/hang')) hanging.add(response);
      else response.end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** The run log's records. */
export async function readRunLog(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Parses Prometheus text exposition format strictly enough to catch mistakes: every line is a
 * `# HELP`, a `# TYPE` (before its samples, once per metric) or a sample `name{labels} value`.
 * Returns `name{labels}` → value.
 */
export function parsePrometheusText(text: string): Map<string, number> {
  if (!text.endsWith('\n')) throw new Error('the file must end with a newline');
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  const sample = new RegExp(
    `^(${name})(\\{(?:${label}(?:,${label})*)?\\})? (-?(?:\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?|\\+Inf|-Inf|NaN))(?: -?\\d+)?$`,
  );
  for (const [index, line] of text.slice(0, -1).split('\n').entries()) {
    const help = new RegExp(`^# HELP (${name}) .+$`).exec(line);
    const type = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help) continue;
    if (type) {
      if (typed.has(type[1]!)) throw new Error(`line ${index + 1}: second TYPE for ${type[1]}`);
      typed.add(type[1]!);
      continue;
    }
    const match = sample.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not Prometheus text: ${JSON.stringify(line)}`);
    if (!typed.has(match[1]!)) throw new Error(`line ${index + 1}: sample before the TYPE of ${match[1]}`);
    const key = `${match[1]}${match[2] ?? ''}`;
    if (samples.has(key)) throw new Error(`line ${index + 1}: duplicate sample ${key}`);
    samples.set(key, Number(match[3]));
  }
  return samples;
}
