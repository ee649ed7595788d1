import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { dumpToBuffer } from '@bk/connector-test-suite';
import { describe, expect, it } from 'vitest';
import { restoreTempName, sweepDeadRestores } from '../src/atomic-restore.js';
import { createSqliteConnector } from '../src/index.js';
import { makeTempDir, seed } from './fixtures.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

describe('temp files of a restore killed with SIGKILL', () => {
  it('are removed by the next restore of that target; a live restore’s and other hosts’ files are kept', async () => {
    const dir = await makeTempDir();
    const source = createSqliteConnector({ path: join(dir, 'source.db') });
    seed(source.options.path, 50);
    const target = join(dir, 'target.db');
    seed(target, 5);
    const dead = restoreTempName(target, deadPid());
    const live = restoreTempName(target, process.pid);
    const otherHost = join(dir, `.target.db.bk-restore-00000000-${deadPid()}-0123456789ab`);
    const otherTarget = restoreTempName(join(dir, 'source.db'), deadPid());
    for (const file of [dead, `${dead}-journal`, live, otherHost, otherTarget]) await writeFile(file, 'x');

    await createSqliteConnector({ path: target }).restore(Readable.from([await dumpToBuffer(source)]));

    expect((await readdir(dir)).sort()).toEqual(
      [basename(live), basename(otherHost), basename(otherTarget), 'source.db', 'target.db'].sort(),
    );
    expect(await readFile(live, 'utf8')).toBe('x');
    expect(await sweepDeadRestores(target)).toEqual([]);
  });
});
