import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runCommand } from '@bk/core';
import { createConnector } from '../config/create-connector.js';
import { createConfiguredStorage } from '../config/create-storage.js';
import type { ResolvedConfig, ResolvedDatabase } from '../config/types.js';
import { summarizeError } from '../output/error-output.js';
import { type ConnectorBinary, connectorBinaries } from './binaries.js';
import type { DoctorCheck } from './doctor-check.js';

/** What `bk doctor` checks against. */
export interface RunChecksOptions {
  /** The loaded config, or the error loading it threw. */
  config: ResolvedConfig | { error: unknown };
  /** Called with each check as soon as it is done. */
  onCheck: (check: DoctorCheck) => void;
  /** Aborts the checks. */
  signal: AbortSignal;
}

/**
 * Runs every check: the config, each binary (found, version), each database (reachable, server and
 * dump tool versions), and the remote (reachable, writable with a probe object that is removed).
 * Never throws for a failed check; returns every check in order.
 */
export async function runChecks(options: RunChecksOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => {
    checks.push(check);
    options.onCheck(check);
  };
  const { signal } = options;
  if ('error' in options.config) {
    add(failed('config', 'config', options.config.error));
    add(await checkBinary(rcloneBinary('rclone'), signal));
    return checks;
  }
  const config = options.config;
  add({
    kind: 'config',
    target: 'config',
    status: 'pass',
    detail: `${config.file ?? 'environment (no config file)'}: ${config.databases.length} database(s)`,
  });

  const binaries = new Map<string, ConnectorBinary>();
  const rclone = rcloneBinary(config.rclone.binary ?? 'rclone');
  binaries.set(rclone.file, rclone);
  for (const database of config.databases) {
    for (const binary of connectorBinaries(database, isOnPath)) binaries.set(binary.file, binary);
  }
  const binaryChecks = await Promise.all([...binaries.values()].map((binary) => checkBinary(binary, signal)));
  for (const check of binaryChecks) add(check);

  for (const database of config.databases) add(await checkDatabase(database, signal));
  add(await checkRemote(config, signal));
  return checks;
}

function rcloneBinary(file: string): ConnectorBinary {
  return {
    name: 'rclone',
    file,
    versionArgs: ['version'],
    installHint: 'apt-get install rclone, or see https://rclone.org/install/ (or set rclone.binary)',
  };
}

async function checkBinary(binary: ConnectorBinary, signal: AbortSignal): Promise<DoctorCheck> {
  try {
    const { stdout } = await runCommand({
      name: binary.name,
      file: binary.file,
      args: binary.versionArgs,
      installHint: binary.installHint,
      signal,
    });
    const version = (stdout.split('\n')[0]?.trim() ?? '').replace(/\s+/g, ' ').slice(0, 72);
    return { kind: 'binary', target: binary.name, status: 'pass', detail: version || binary.file };
  } catch (error) {
    const check = failed('binary', binary.name, error);
    return check.code === 'BK_BINARY_NOT_FOUND'
      ? { ...check, detail: `${binary.file} not found on PATH`, hint: binary.installHint }
      : check;
  }
}

async function checkDatabase(database: ResolvedDatabase, signal: AbortSignal): Promise<DoctorCheck> {
  let connector: Awaited<ReturnType<typeof createConnector>> | undefined;
  try {
    connector = await createConnector(database);
    await connector.check({ signal });
    const description = await connector.describe({ signal });
    const server = description.serverVersion
      ? `${description.engine} ${description.serverVersion}`
      : description.engine;
    const detail = `${connector.target}: ${server}; ${description.toolVersion}`;
    const mismatch = versionMismatch(description.engine, description.serverVersion, description.toolVersion);
    if (mismatch) return { kind: 'database', target: database.name, status: 'fail', detail, hint: mismatch };
    return { kind: 'database', target: database.name, status: 'pass', detail };
  } catch (error) {
    const check = failed('database', database.name, error);
    if (!connector || check.detail.includes(connector.target)) return check;
    return { ...check, detail: `${connector.target}: ${check.detail}` };
  } finally {
    await connector?.close?.().catch(() => {});
  }
}

/** pg_dump refuses a server of a newer major version. */
function versionMismatch(engine: string, server: string | undefined, tool: string): string | undefined {
  if (engine !== 'postgresql' || server === undefined) return undefined;
  const serverMajor = Number.parseInt(server, 10);
  // `pg_dump (PostgreSQL) 15.19 (Debian 15.19-1)`
  const major = Number.parseInt(/\)\s*(\d+)/.exec(tool)?.[1] ?? '', 10);
  if (Number.isNaN(serverMajor) || Number.isNaN(major) || major >= serverMajor) return undefined;
  return `pg_dump ${major} cannot dump a PostgreSQL ${serverMajor} server: install postgresql-client-${serverMajor} and set binaries.pgDump`;
}

async function checkRemote(config: ResolvedConfig, signal: AbortSignal): Promise<DoctorCheck> {
  let storage: ReturnType<typeof createConfiguredStorage>;
  try {
    storage = createConfiguredStorage(config);
  } catch (error) {
    return failed('remote', 'remote', error);
  }
  const probe = `.bk-doctor-${randomBytes(6).toString('hex')}`;
  try {
    await storage.check({ signal });
    await storage.write(probe, `bk doctor probe ${new Date().toISOString()}\n`, { signal });
    await storage.delete(probe, { signal });
    return {
      kind: 'remote',
      target: 'remote',
      status: 'pass',
      detail: `${storage.location}: reachable, writable`,
    };
  } catch (error) {
    await storage.delete(probe).catch(() => {});
    const check = failed('remote', 'remote', error);
    return { ...check, detail: `${storage.location}: ${check.detail}` };
  }
}

function failed(kind: DoctorCheck['kind'], target: string, error: unknown): DoctorCheck {
  const summary = summarizeError(error);
  return {
    kind,
    target,
    status: 'fail',
    detail: summary.message,
    ...(summary.hint ? { hint: summary.hint } : {}),
    ...(summary.code ? { code: summary.code } : {}),
  };
}

function isOnPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return statSync(join(dir, name)).isFile();
      } catch {
        return false;
      }
    });
}
