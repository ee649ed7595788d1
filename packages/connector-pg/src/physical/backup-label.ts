import { ConfigError } from '@bk/core';

/** The fields of a `backup_label` bk uses. */
export interface BackupLabel {
  startLsn: string;
  /** Timeline, 8 hex digits. */
  timeline: string;
  startTime: string | undefined;
}

/** Parses a `backup_label` file (`START WAL LOCATION: 0/2000028 (file ...)`, `START TIMELINE: 1`). */
export function parseBackupLabel(text: string): BackupLabel {
  const start = /^START WAL LOCATION: ([0-9A-F]+\/[0-9A-F]+)/m.exec(text);
  const timeline = /^START TIMELINE: (\d+)/m.exec(text);
  if (!start) throw new ConfigError('backup_label has no START WAL LOCATION line');
  const startTime = /^START TIME: (.+)$/m.exec(text)?.[1];
  return {
    startLsn: start[1]!,
    timeline: Number(timeline?.[1] ?? 1)
      .toString(16)
      .toUpperCase()
      .padStart(8, '0'),
    startTime,
  };
}

/** The WAL range of a `backup_manifest` (its single `WAL-Ranges` entry). */
export function parseManifestWalRange(text: string): { startLsn: string; endLsn: string; timeline: string } {
  let value: { 'WAL-Ranges'?: { Timeline?: number; 'Start-LSN'?: string; 'End-LSN'?: string }[] };
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('backup_manifest is not valid JSON', { cause: error });
  }
  const ranges = value['WAL-Ranges'] ?? [];
  const last = ranges[ranges.length - 1];
  const first = ranges[0];
  if (!first?.['Start-LSN'] || !last?.['End-LSN'] || last.Timeline === undefined) {
    throw new ConfigError('backup_manifest has no WAL-Ranges');
  }
  return {
    startLsn: first['Start-LSN'],
    endLsn: last['End-LSN'],
    timeline: last.Timeline.toString(16).toUpperCase().padStart(8, '0'),
  };
}
