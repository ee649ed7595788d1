import type { NotifyEvent } from './types.js';

/** `1.2 MB` without pulling a formatting dependency into core. */
function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One human line for an event: `bk dbbackup main succeeded on web-1: 1.2 MB in 3.4 s`. */
export function describeEvent(event: NotifyEvent): string {
  const subject = `bk ${event.command}${event.database ? ` ${event.database}` : ''}`;
  const details: string[] = [];
  if (event.bytes !== undefined) details.push(formatBytes(event.bytes));
  if (event.durationMs !== undefined) details.push(`in ${(event.durationMs / 1000).toFixed(1)} s`);
  const tail =
    event.event === 'failed' && event.error
      ? `: ${event.error}`
      : details.length > 0
        ? `: ${details.join(' ')}`
        : '';
  return `${subject} ${event.event} on ${event.host}${tail}`;
}
