import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

/** A parsed `remote` setting. */
export interface ParsedRemote {
  /** `remote` for `name:path`, `connection` for `:backend,k=v:path`, `local` for a directory. */
  kind: 'remote' | 'connection' | 'local';
  /** The base in rclone syntax: `name:path`, `:sftp,host=h:path`, or an absolute directory. */
  base: string;
}

/** Index of the colon that ends `name` / `:backend,params` (quotes respected), or -1. */
function prefixEnd(remote: string, from: number): number {
  let quote: string | undefined;
  for (let index = from; index < remote.length; index += 1) {
    const char = remote[index];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ':') {
      return index;
    } else if (char === '/' && !remote.slice(0, index).includes(',')) {
      return -1;
    }
  }
  return -1;
}

function trimTrailingSlashes(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/**
 * Parses a `remote` setting: an rclone remote (`offsite:myapp`, `offsite:`), a connection string
 * (`:local:/x`, `:sftp,host=h:path`) or a local directory (`/var/backups`, `./backups`, `backups`,
 * `~/backups`), which is resolved to an absolute path against `cwd`.
 *
 * @throws {@link ConfigError} (key `remote`) when it is empty.
 */
export function parseRemote(remote: string, cwd: string = process.cwd()): ParsedRemote {
  if (typeof remote !== 'string' || remote.trim() === '') {
    throw new ConfigError('remote is empty', {
      key: 'remote',
      hint: 'set remote to an rclone remote (name:path) or a local directory',
    });
  }
  if (remote.startsWith('/')) return { kind: 'local', base: trimTrailingSlashes(resolve(remote)) };
  if (remote === '~' || remote.startsWith('~/')) {
    return { kind: 'local', base: resolve(homedir(), remote.slice(2)) };
  }
  if (remote.startsWith(':')) {
    const end = prefixEnd(remote, 1);
    if (end > 1) {
      return {
        kind: 'connection',
        base: remote.slice(0, end + 1) + trimTrailingSlashes(remote.slice(end + 1)),
      };
    }
    throw new ConfigError(`remote ${JSON.stringify(remote)} is not a valid connection string`, {
      key: 'remote',
      hint: 'connection strings look like :backend,option=value:path',
    });
  }
  const end = prefixEnd(remote, 0);
  if (end > 0) {
    return { kind: 'remote', base: remote.slice(0, end + 1) + trimTrailingSlashes(remote.slice(end + 1)) };
  }
  return { kind: 'local', base: trimTrailingSlashes(resolve(cwd, remote)) };
}

/**
 * The root of a base in rclone syntax: `name:` for `name:path`, `:backend,k=v:` for a connection
 * string, `undefined` for a local directory.
 */
export function remoteRoot(base: string): string | undefined {
  if (base.startsWith('/')) return undefined;
  const end = prefixEnd(base, base.startsWith(':') ? 1 : 0);
  return end > 0 ? base.slice(0, end + 1) : undefined;
}

/** Joins a base in rclone syntax and a relative `/`-separated path. */
export function joinRemote(base: string, path: string): string {
  const relative = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (relative === '') return base;
  if (base.endsWith(':') || base.endsWith('/')) return base + relative;
  return `${base}/${relative}`;
}

const SECRET_OPTION =
  /([,:](?:[\w-]*(?:pass|password|secret|token|key|sas_url)[\w-]*)=)("[^"]*"|'[^']*'|[^,:]*)/gi;

/** Masks secret-looking options of an rclone connection string (`pass=***`). */
export function redactRemote(remote: string): string {
  return remote.replace(SECRET_OPTION, '$1***');
}
