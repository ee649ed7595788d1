import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertUrlCredentialsEncoded,
  ConfigError,
  createSecretFile,
  redact,
  sweepSecretFiles,
  urlCredentialSecrets,
} from '../src/index.js';

// Issue 13, class 6: structural masking, URL credential checks and secret files that die with us.

const scratch = await mkdtemp(join(tmpdir(), 'bk-core-secrets-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('structural masking', () => {
  it('masks a URL password up to the last @, whatever it holds', () => {
    expect(redact('see postgres://app:Head/Tail@x?y@db:5432/app now')).toBe(
      'see postgres://app:***@db:5432/app now',
    );
    expect(redact('"mysql://u:a#b@h/d","x"')).toBe('"mysql://u:***@h/d","x"');
  });

  it('masks query parameters named like credentials, and leaves the others', () => {
    expect(
      redact('https://h/p?token=T1&access_token=A1&sig=S1&X-Amz-Signature=Z1&api_key=K1&format=json&page=2'),
    ).toBe(
      'https://h/p?token=***&access_token=***&sig=***&X-Amz-Signature=***&api_key=***&format=json&page=2',
    );
  });

  it('masks Slack, Discord and healthchecks.io webhook paths', () => {
    expect(redact('https://hooks.slack.com/services/T0/B0/XXXX failed')).toBe(
      'https://hooks.slack.com/services/*** failed',
    );
    expect(redact('https://discord.com/api/webhooks/123/abc-DEF')).toBe(
      'https://discord.com/api/webhooks/***',
    );
    expect(redact('https://hc-ping.com/0f1e2d3c-aaaa-bbbb-cccc-111122223333/fail')).toBe(
      'https://hc-ping.com/***',
    );
  });

  it('masks a registered secret in its JSON-escaped form', () => {
    expect(redact(JSON.stringify({ error: 'pw is a"b\\c' }), ['a"b\\c'])).toBe('{"error":"pw is ***"}');
  });
});

describe('URL credentials', () => {
  it.each([
    ['/', 'postgres://u:a/b@h/d'],
    ['?', 'mysql://u:a?b@h/d'],
    ['#', 'mongodb://u:a#b@h/d'],
    ['@', 'postgres://u:a@b@h/d'],
    ['%zz', 'postgres://u:a%zzb@h/d'],
  ])('refuses an unencoded %s without showing the URL', (_, url) => {
    const error = (() => {
      try {
        assertUrlCredentialsEncoded(url, 'databases.main');
      } catch (caught) {
        return caught as ConfigError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.key).toBe('databases.main');
    expect(`${error?.message} ${error?.hint}`).not.toMatch(/u:a|b@h/);
  });

  it('accepts encoded passwords and : + spaces', () => {
    for (const url of [
      'postgres://u:a%2Fb@h/d',
      'postgres://u:a:b+c d@h/d',
      'postgres://h/d',
      'sqlite:./x.db',
    ]) {
      expect(() => assertUrlCredentialsEncoded(url, 'k')).not.toThrow();
    }
  });

  it('lists the password in every form it could surface in', () => {
    expect(urlCredentialSecrets('postgres://u:p%40ss@h/d')).toEqual(['p%40ss', 'p@ss']);
    expect(urlCredentialSecrets('postgres://u:a/b@h/d')).toEqual(['a/b', 'u:a/b']);
    expect(urlCredentialSecrets('postgres://h/d')).toEqual([]);
  });
});

describe('secret files', () => {
  it('have no name on disk while open, and are unreadable once closed', async () => {
    const file = await createSecretFile('*:*:*:*:pw\n', { name: 'pgpass' });
    expect(file.path).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    expect(await readlink(file.path)).toMatch(/bk-secret-\d+-\w+\/pgpass \(deleted\)$/);
    expect(await readFile(file.path, 'utf8')).toBe('*:*:*:*:pw\n');
    await file.close();
    expect(await readlink(file.path).catch(() => 'closed')).not.toMatch(/pgpass/);
  });

  it('sweeps directories of dead processes and of earlier versions, not live or foreign ones', async () => {
    const dead = join(scratch, 'bk-secret-4194999-abcdef');
    const live = join(scratch, `bk-secret-${process.pid}-abcdef`);
    const legacy = join(scratch, 'bk-secret-Ab12Cd');
    const recentLegacy = join(scratch, 'bk-secret-Zz98Yy');
    const foreign = join(scratch, 'bk-secretive');
    for (const dir of [dead, live, legacy, recentLegacy, foreign]) {
      await mkdir(dir);
      await writeFile(join(dir, 'pgpass'), 'x');
    }
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    const { utimes } = await import('node:fs/promises');
    await utimes(legacy, old, old);
    const removed = await sweepSecretFiles(scratch);
    expect(removed.sort()).toEqual([dead, legacy].sort());
    for (const dir of [live, recentLegacy, foreign]) expect(existsSync(dir)).toBe(true);
  });
});
