import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listDescendantPids, readCmdline, waitForNoDescendants, watchArgv } from '../src/index.js';

describe('process helpers', () => {
  it('lists a spawned child and its grandchild, then sees them go', async () => {
    const baseline = await listDescendantPids();
    const child = execa('sh', ['-c', 'sleep 30 & wait']);
    let pids: number[] = [];
    for (let attempt = 0; attempt < 100 && pids.length < 2; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      pids = (await listDescendantPids()).filter((pid) => !baseline.includes(pid));
    }
    expect(pids).toContain(child.pid);
    expect(pids.length).toBe(2);
    const commands = await Promise.all(pids.map(readCmdline));
    expect(commands).toContainEqual(['sleep', '30']);
    expect(await waitForNoDescendants({ baseline, timeoutMs: 200 })).toHaveLength(2);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await child.catch(() => {});
    expect(await waitForNoDescendants({ baseline })).toEqual([]);
  });

  it('watchArgv reports a secret in argv, masked, and ignores secrets in env', async () => {
    const watch = watchArgv(['s3cr3t pass']);
    await execa('sh', ['-c', 'sleep 0.2', 'sh', 'url://u:s3cr3t%20pass@h']);
    await execa('sh', ['-c', 'sleep 0.2'], { env: { PGPASSWORD: 's3cr3t pass' } });
    const report = await watch.stop();
    expect(report.leaks).toEqual(['sh -c sleep 0.2 sh url://u:***@h']);
    expect(report.commands).toContain('sleep 0.2');
  });
});
