#!/usr/bin/env node
// Set-up behind `npm run demo`, `npm test` and `npm run setup`.
// Runs on any Node >= 20 with only npm: installs what is missing (Node 24 LTS from the npm registry,
// pnpm, and with apt when root: rclone, sqlite3, postgresql-client, mariadb-client), installs the
// workspace, builds it, then runs the demo or the tests with Node 24.
// Plain JavaScript with no dependencies on purpose: it has to run before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const mode = process.argv[2] ?? 'setup';
const extraArgs = process.argv.slice(3);
const NODE_MAJOR = 24;
const PNPM_VERSION = '11.28.11';
const isRoot = process.getuid?.() === 0;
const prefix = isRoot ? '/usr/local' : join(homedir(), '.bk-toolchain');
const quiet = process.env.BK_BOOTSTRAP_QUIET === '1';

function log(message) {
  if (!quiet) process.stderr.write(`[bk setup] ${message}\n`);
}

function fail(message) {
  process.stderr.write(`[bk setup] error: ${message}\n`);
  process.exit(2);
}

function run(file, args, options = {}) {
  const result = spawnSync(file, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) fail(`${file} could not start: ${result.error.message}`);
  return result.status ?? 1;
}

function mustRun(file, args, options = {}) {
  const status = run(file, args, options);
  if (status !== 0) fail(`${[file, ...args].join(' ')} exited ${status}`);
}

function output(file, args) {
  const result = spawnSync(file, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function has(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function withToolchainPath(env = process.env) {
  return { ...env, PATH: `${join(prefix, 'bin')}:${env.PATH ?? ''}` };
}

// 1. Node 24: install it next to npm if this Node is older, then continue under it.
function ensureNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= NODE_MAJOR) return;
  const candidate = join(prefix, 'bin', 'node');
  const candidateVersion = existsSync(candidate) ? output(candidate, ['--version']) : undefined;
  if (!candidateVersion || Number(candidateVersion.slice(1).split('.')[0]) < NODE_MAJOR) {
    const arch = { x64: 'x64', arm64: 'arm64' }[process.arch];
    if (!arch)
      fail(`no Node ${NODE_MAJOR} package for ${process.arch}: install Node ${NODE_MAJOR} LTS yourself`);
    log(`Node ${process.versions.node} is too old; installing Node ${NODE_MAJOR} LTS into ${prefix}`);
    mustRun('npm', [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--ignore-scripts',
      `node-linux-${arch}@${NODE_MAJOR}`,
    ]);
  }
  log(`continuing with ${candidate}`);
  const status = run(candidate, [fileURLToPath(import.meta.url), mode, ...extraArgs], {
    env: withToolchainPath(),
  });
  process.exit(status);
}

// 2. pnpm at the version the workspace pins.
function ensurePnpm() {
  process.env.PATH = withToolchainPath().PATH;
  if (output('pnpm', ['--version']) === PNPM_VERSION) return;
  log(`installing pnpm ${PNPM_VERSION} into ${prefix}`);
  mustRun('npm', ['install', '--global', '--prefix', prefix, `pnpm@${PNPM_VERSION}`]);
}

// 3. System tools from apt (only when root; otherwise say what to install).
const SYSTEM_TOOLS = [
  { binary: 'rclone', apt: 'rclone', neededFor: ['demo', 'test'] },
  { binary: 'sqlite3', apt: 'sqlite3', neededFor: ['demo', 'test'] },
  { binary: 'pg_dump', apt: 'postgresql-client', neededFor: ['test'] },
  { binary: 'mariadb-dump', apt: 'mariadb-client', neededFor: ['test'] },
];

function ensureSystemTools() {
  const missing = SYSTEM_TOOLS.filter((tool) => !has(tool.binary));
  if (missing.length === 0) return;
  const packages = missing.map((tool) => tool.apt);
  if (isRoot && has('apt-get')) {
    log(`installing ${packages.join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    mustRun('apt-get', ['update', '-qq'], { env });
    mustRun('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
    return;
  }
  const needed = missing.filter((tool) => tool.neededFor.includes(mode));
  if (needed.length > 0) {
    fail(
      `missing ${needed.map((tool) => tool.binary).join(', ')}: run sudo apt-get install ${needed.map((tool) => tool.apt).join(' ')}`,
    );
  }
}

// 4. The databases the integration tests use (they run on every machine of this kind; restart if stopped),
// and PostGIS for the server's major version (the PostGIS connector variant is tested for real).
function ensurePostgis() {
  const majors =
    spawnSync('ls', ['/usr/share/postgresql'], { encoding: 'utf8' }).stdout?.trim().split('\n') ?? [];
  for (const major of majors.filter((name) => /^\d+$/.test(name))) {
    if (existsSync(`/usr/share/postgresql/${major}/extension/postgis.control`)) continue;
    if (!isRoot || !has('apt-get')) {
      log(`PostGIS for PostgreSQL ${major} is missing: sudo apt-get install postgresql-${major}-postgis-3`);
      continue;
    }
    log(`installing PostGIS for PostgreSQL ${major} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (
      run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', `postgresql-${major}-postgis-3`], {
        env,
      }) !== 0
    ) {
      mustRun('apt-get', ['update', '-qq'], { env });
      mustRun(
        'apt-get',
        ['install', '-y', '-qq', '--no-install-recommends', `postgresql-${major}-postgis-3`],
        { env },
      );
    }
  }
}

function ensureDatabases() {
  ensurePostgis();
  if (spawnSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', '5432']).status !== 0 && isRoot) {
    log('PostgreSQL is not answering; starting it');
    const versions =
      spawnSync('ls', ['/etc/postgresql'], { encoding: 'utf8' }).stdout?.trim().split('\n') ?? [];
    for (const version of versions.filter(Boolean)) {
      run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
    }
  }
  const mariadbUp = () =>
    spawnSync('mariadb', ['-h', '127.0.0.1', '-u', 'root', '-e', 'select 1'], { stdio: 'ignore' }).status ===
    0;
  if (!mariadbUp() && isRoot && existsSync('/usr/sbin/mariadbd')) {
    log('MariaDB is not answering; starting it');
    run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
    for (let attempt = 0; attempt < 30 && !mariadbUp(); attempt++) spawnSync('sleep', ['1']);
  }
}

// 5. Workspace install and build.
function installAndBuild() {
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  mustRun('pnpm', ['install', ...frozen, '--reporter=append-only'], {
    env: { ...process.env, CI: process.env.CI ?? '' },
  });
  mustRun('pnpm', ['run', 'build', '--output-logs=errors-only']);
}

ensureNode();
ensurePnpm();
ensureSystemTools();
if (mode === 'test') ensureDatabases();
installAndBuild();

if (mode === 'demo') {
  process.exit(run(process.execPath, [join(root, 'examples', 'sqlite-demo', 'demo.mjs')]));
} else if (mode === 'test') {
  const reporters = [
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(root, 'test-results.json')}`,
  ];
  process.exit(run('pnpm', ['exec', 'vitest', 'run', ...reporters, ...extraArgs]));
} else if (mode !== 'setup') {
  fail(`unknown mode "${mode}": use demo, test or setup`);
}
