import { describe, expect, it } from 'vitest';
import { ConfigError, createStorage } from '../src/index.js';

// FACTS: AWS_CA_BUNDLE makes rclone's S3 backend fail (LoadCustomCABundleError) before any request.
// That is a config error naming AWS_CA_BUNDLE, not "remote not found, run rclone config".
describe('S3 with AWS_CA_BUNDLE set', () => {
  it('check() is a config error naming AWS_CA_BUNDLE and what to do', async () => {
    const storage = createStorage(':s3,provider=Other,endpoint=http://127.0.0.1:9:bucket/app', {
      rclone: { env: { AWS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt' } },
    });
    const error = (await storage.check().catch((caught: unknown) => caught)) as ConfigError;
    expect(ConfigError.isInstance(error)).toBe(true);
    expect(error.code).toBe('BK_CONFIG_INVALID');
    expect(error.key).toBe('AWS_CA_BUNDLE');
    expect(error.message).toMatch(/cannot use the CA bundle that AWS_CA_BUNDLE names/);
    expect(error.hint).toMatch(/unset AWS_CA_BUNDLE/);
  });
});
