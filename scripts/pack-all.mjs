#!/usr/bin/env node
// `pnpm pack:all [--dest DIR]`: writes an installable tarball of every published package (pnpm pack
// rewrites `workspace:^` ranges into real version ranges), then prints the npm command that installs
// bk globally from them. Until the packages are on the npm registry this is how bk installs outside
// a checkout: npm must get every `@bk/*` tarball it needs in one command, because it cannot fetch
// them from the registry. Run `pnpm build` first (`pnpm pack:all` does).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const destIndex = process.argv.indexOf('--dest');
const dest = resolve(destIndex > 0 ? process.argv[destIndex + 1] : join(root, 'tarballs'));

const packages = readdirSync(join(root, 'packages'))
  .sort()
  .map((name) => join(root, 'packages', name))
  .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);

rmSync(dest, { recursive: true, force: true });
mkdirSync(dest, { recursive: true });
for (const dir of packages) {
  const result = spawnSync('pnpm', ['pack', '--pack-destination', dest], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(
      `pack-all: pnpm pack in ${relative(root, dir)} exited ${result.status}\n${result.stderr}`,
    );
    process.exit(1);
  }
}

const tarballs = readdirSync(dest).filter((file) => file.endsWith('.tgz'));
const shown = (file) => {
  const path = relative(process.cwd(), join(dest, file));
  return path.startsWith('..') ? join(dest, file) : `./${path}`;
};
const pick = (pattern) => tarballs.filter((file) => pattern.test(file)).map(shown);
const base = pick(/^bk-(cli|core|rclone|connector-sqlite)-\d/);
process.stdout.write(`${tarballs.length} tarballs in ${dest}\n\n`);
process.stdout.write('Install bk globally (SQLite built in), adding the connectors you use:\n\n');
process.stdout.write(`  npm install --global ${base.join(' ')} \\\n`);
process.stdout.write(`    ${pick(/^bk-connector-(pg|mysql|mongo)-\d/).join(' ')}\n`);
