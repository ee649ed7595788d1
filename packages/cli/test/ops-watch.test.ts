import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bk, createProject, writeConfig } from './helpers.js';
import { failingSqlite, parsePrometheusText, readRunLog, recordingServer } from './ops-helpers.js';

const server = await recordingServer();
const received = (prefix: string) => server.requests.filter((request) => request.path.startsWith(prefix));

describe('watching backups: --max-age, notifications, run log, metrics', () => {
  it('listbackups --max-age exits 1 only when a database is stale or has no backup', async () => {
    const project = await createProject({
      databases: { default: 'sqlite:./app.db', other: 'sqlite:./app.db' },
    });
    expect((await bk(project.dir, ['dbbackup', '-d', 'default', '-q'])).exitCode).toBe(0);
    const one = await bk(project.dir, ['listbackups', '--max-age', '26h', '-d', 'default']);
    expect(one.exitCode, one.stderr).toBe(0);
    const missing = await bk(project.dir, ['listbackups', '--max-age', '26h']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('bk: stale backups (older than 26h): other (no backup)');
    expect((await bk(project.dir, ['dbbackup', '-d', 'other', '-q'])).exitCode).toBe(0);
    expect((await bk(project.dir, ['listbackups', '--max-age', '26h', '-q'])).exitCode).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const stale = await bk(project.dir, ['listbackups', '--max-age', '2s', '-d', 'default']);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toMatch(/bk: stale backups \(older than 2s\): default \(newest \S+Z, \d+s old\)/);
    const bad = await bk(project.dir, ['listbackups', '--max-age', 'soon']);
    expect(bad.exitCode).toBe(2);
  });

  it('webhook, slack and healthchecks get the right payloads; the run log and metrics record each run', async () => {
    const project = await createProject();
    const config = {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      notify: [
        { type: 'webhook', url: `${server.url}/hook?token=s3cr3t` },
        { type: 'slack', url: `${server.url}/services/T1/B1/s3cr3t` },
        { type: 'healthchecks', url: `${server.url}/hc/uuid-1` },
      ],
      log: { file: './runs.ndjson' },
      metrics: { file: './textfile/bk.prom' },
    };
    await writeConfig(project.dir, config);
    const ok = await bk(project.dir, ['dbbackup']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const hooks = received('/hook').map((request) => JSON.parse(request.body));
    expect(hooks.map((hook) => [hook.event, hook.database])).toEqual([
      ['started', 'default'],
      ['succeeded', 'default'],
    ]);
    expect(hooks[1]).toMatchObject({ scope: 'database', command: 'dbbackup', bytes: expect.any(Number) });
    expect(hooks[1].durationMs).toBeGreaterThan(0);
    expect(received('/services/').map((request) => JSON.parse(request.body).text)).toEqual([
      expect.stringMatching(/^:white_check_mark: bk dbbackup default succeeded on \S+: \d+ B in \d+\.\d s$/),
    ]);
    expect(received('/hc/').map((request) => request.path)).toEqual(['/hc/uuid-1/start', '/hc/uuid-1']);
    expect(received('/hc/')[1]?.body).toMatch(/^bk dbbackup on \S+\ndefault: succeeded, \d+ bytes in/);

    const binary = await failingSqlite(project.dir);
    await writeConfig(project.dir, {
      ...config,
      databases: { default: { connector: 'sqlite', path: './app.db', binary } },
    });
    const failed = await bk(project.dir, ['dbbackup']);
    expect(failed.exitCode).toBe(1);
    const failure = received('/hook')
      .map((request) => JSON.parse(request.body))
      .at(-1);
    expect(failure).toMatchObject({ event: 'failed', database: 'default', command: 'dbbackup' });
    expect(failure.error).toContain('disk I/O error');
    expect(received('/hc/').at(-1)?.path).toBe('/hc/uuid-1/fail');
    expect(received('/hc/').at(-1)?.body).toContain('disk I/O error');
    expect(`${ok.stderr}${failed.stderr}`).not.toContain('s3cr3t');

    // A command that only looks gets a run log line, but no notification and no metric.
    const hooksBefore = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const check = await bk(project.dir, ['listbackups', '--max-age', '1s', '-q']);
    expect(check.exitCode).toBe(1);
    expect(server.requests.length).toBe(hooksBefore);

    const log = await readRunLog(join(project.dir, 'runs.ndjson'));
    expect(log.map((record) => [record.command, record.database, record.status])).toEqual([
      ['dbbackup', 'default', 'succeeded'],
      ['dbbackup', 'default', 'failed'],
      ['listbackups', '', 'failed'],
    ]);
    expect(log[2]?.error).toMatch(/stale backups \(older than 1s\)/);
    expect(Object.keys(log[0] ?? {})).toEqual(
      expect.arrayContaining(['command', 'database', 'start', 'end', 'status', 'bytes', 'durationMs']),
    );

    // --metrics-file overrides metrics.file; counters survive between runs.
    await writeConfig(project.dir, config);
    const flagged = await bk(project.dir, ['dbbackup', '-q', '--metrics-file', 'textfile/bk.prom']);
    expect(flagged.exitCode, flagged.stderr).toBe(0);
    const samples = parsePrometheusText(await readFile(join(project.dir, 'textfile/bk.prom'), 'utf8'));
    const labels = '{command="dbbackup",database="default"}';
    expect(samples.get(`bk_runs_total${labels}`)).toBe(3);
    expect([...samples.keys()].filter((key) => key.includes('listbackups'))).toEqual([]);
    expect(samples.get(`bk_failures_total${labels}`)).toBe(1);
    expect(samples.get(`bk_last_size_bytes${labels}`)).toBeGreaterThan(0);
    expect(samples.get(`bk_last_duration_seconds${labels}`)).toBeGreaterThan(0);
    const last = samples.get(`bk_last_success_timestamp_seconds${labels}`) ?? 0;
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(120);
    expect(await readdir(join(project.dir, 'textfile'))).toEqual(['bk.prom']);
  });

  it('a hanging notifier is cut off by its timeout and never fails the backup', async () => {
    const project = await createProject();
    await writeConfig(project.dir, {
      remote: './backups',
      databases: { default: 'sqlite:./app.db' },
      notify: [{ type: 'webhook', url: `${server.url}/hang/secret-path`, timeout: '1s' }],
    });
    const started = Date.now();
    const result = await bk(project.dir, ['dbbackup']);
    const took = Date.now() - started;
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `warning: webhook notification (succeeded): notification to ${server.url}/*** failed: no answer within 1000 ms`,
    );
    expect(result.stderr).not.toContain('secret-path');
    expect(took).toBeLessThan(15_000);
    expect(received('/hang/').length).toBeGreaterThanOrEqual(2);
  });
});
