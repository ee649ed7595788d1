import { ConfigError } from '../errors/config-error.js';

/**
 * Checks a user-given backup path (`--input-path`): a backup name (`default-2026-11-22-033000.pgdump`)
 * or a path relative to the remote base (`db/default-...`). Rejects empty paths, absolute paths,
 * backslashes, `..` segments and control characters, so nothing outside the remote base is reachable.
 * Returns the path with `./` segments and duplicate slashes removed.
 *
 * @throws {@link ConfigError} (key `--input-path`) when the path is unsafe.
 */
export function validateInputPath(inputPath: string): string {
  const fail = (why: string): never => {
    throw new ConfigError(`invalid input path ${JSON.stringify(inputPath)}: ${why}`, {
      key: '--input-path',
      hint: 'give a backup name as shown by bk listbackups, such as db/default-2026-11-22-033000.pgdump',
    });
  };
  if (typeof inputPath !== 'string' || inputPath.trim() === '') fail('it is empty');
  if (inputPath.includes('\\')) fail('backslashes are not allowed');
  if (/\p{Cc}/u.test(inputPath)) fail('control characters are not allowed');
  if (inputPath.startsWith('/') || /^[a-z][\w+.-]*:/i.test(inputPath))
    fail('it must be relative to the remote');
  const segments = inputPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) fail('.. is not allowed');
  if (segments.length === 0) fail('it is empty');
  return segments.join('/');
}
