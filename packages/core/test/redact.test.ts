import { describe, expect, it } from 'vitest';
import { Redactor, redact, redactUrl } from '../src/index.js';

describe('redaction', () => {
  it('masks URL passwords and secret query parameters', () => {
    expect(redactUrl('postgres://app:s3cret@db:5432/app?sslmode=require&password=x1')).toBe(
      'postgres://app:***@db:5432/app?sslmode=require&password=***',
    );
    expect(redactUrl('mysql://root@localhost/test')).toBe('mysql://root@localhost/test');
  });

  it('masks registered secrets, plain and URL-encoded, longest first', () => {
    const redactor = new Redactor(['p@ss word', 'p@ss', undefined, 'ab']);
    expect(redactor.redact('FATAL: p@ss word and p%40ss%20word; ab stays')).toBe(
      'FATAL: *** and ***; ab stays',
    );
    expect(redactor.secrets).toContain('p@ss');
  });

  it('masks the secret parameters of rclone connection strings', () => {
    expect(redact(':sftp,host=example.com,user=bk,pass=Zm9vYmFy:backups')).toBe(
      ':sftp,host=example.com,user=bk,pass=***:backups',
    );
  });
});
