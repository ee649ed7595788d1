import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Reads `VmHWM` (peak resident set, kB) and the command name of a live process, or undefined. */
function status(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(text);
    const name = /Name:\s+(\S+)/.exec(text);
    return { hwm: hwm ? Number(hwm[1]) : 0, name: name ? name[1] : '?' };
  } catch {
    return undefined;
  }
}

/** utime + stime (clock ticks) of a live process, or undefined. */
function cpuTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** Every descendant pid of `pid` (children of all its threads, recursively). */
function descendants(pid) {
  const found = [];
  const stack = [pid];
  while (stack.length > 0) {
    const current = stack.pop();
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${current}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${current}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean)) {
        found.push(Number(child));
        stack.push(Number(child));
      }
    }
  }
  return found;
}

/**
 * Runs a program to completion and returns its wall time. With `poll`, samples the peak RSS
 * (VmHWM) of the process itself and, per command name, of each of its descendants.
 */
export function measure(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout = (stdout + chunk).slice(-20_000);
    });
    // Each stderr line with the time it arrived (bk --verbose prints every command it runs).
    const lines = [];
    let partial = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20_000);
      const at = performance.now() - started;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const text of parts) if (lines.length < 5000) lines.push({ at, text });
    });
    let selfKb = 0;
    let selfCpuTicks = 0;
    const childKb = {};
    const sample = () => {
      const own = status(child.pid);
      if (own) selfKb = Math.max(selfKb, own.hwm);
      selfCpuTicks = Math.max(selfCpuTicks, cpuTicks(child.pid) ?? 0);
      for (const pid of descendants(child.pid)) {
        const info = status(pid);
        if (info) childKb[info.name] = Math.max(childKb[info.name] ?? 0, info.hwm);
      }
    };
    const timer = options.poll ? setInterval(sample, 25) : undefined;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = performance.now() - started;
      if (timer) clearInterval(timer);
      if (code !== 0) {
        const shown = [file, ...args].join(' ').slice(0, 300);
        reject(new Error(`${shown} exited ${code ?? signal}:\n${stderr.slice(-2000)}${stdout.slice(-500)}`));
        return;
      }
      // CPU seconds of the process itself (utime + stime at its last sample, 100 ticks a second).
      resolve({ ms, selfKb, selfCpu: selfCpuTicks / 100, childKb, stdout, stderr, lines });
    });
  });
}

/**
 * The time between the first stderr line matching `start` and the first later line matching `end`
 * (or the process's exit): the streaming phase of a `bk --verbose` run.
 */
export function phase(result, start, end) {
  const from = result.lines.findIndex((line) => start.test(line.text));
  if (from === -1) return undefined;
  const to = result.lines.slice(from + 1).find((line) => end.test(line.text));
  return (to?.at ?? result.ms) - result.lines[from].at;
}

/** Runs a shell pipeline (bash, pipefail) to completion and returns its wall time. */
export function shell(script, options = {}) {
  return measure('bash', ['-o', 'pipefail', '-c', script], options);
}

/** The median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
