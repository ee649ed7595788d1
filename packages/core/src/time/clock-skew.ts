/**
 * How far a manifest's dates may lie ahead of a clock before the backup is flagged "dated in the
 * future": 5 minutes, the skew NTP-less hosts commonly reach and far less than any backup interval.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 5 * 60_000;

/** Options of {@link futureDating}. */
export interface FutureDatingOptions {
  /** This host's clock, in epoch milliseconds. */
  now: number;
  /**
   * When the remote says the manifest object was last written (its modification time), if known.
   * A manifest cannot have finished after it was written.
   */
  writtenAt?: string | undefined;
  /** @default {@link CLOCK_SKEW_TOLERANCE_MS} */
  toleranceMs?: number;
}

/**
 * Why a manifest's `startedAt`/`finishedAt` cannot be trusted, or `undefined` when they can: a date
 * more than the tolerance after this host's clock, or after the remote's own modification time of
 * the manifest (which the storage records when the manifest is written). Either means a host with
 * a fast clock, or a writer of the remote, dated it; bk then never calls it "latest", never anchors
 * a retention window on it, and never deletes it by retention.
 */
export function futureDating(
  manifest: { startedAt: string; finishedAt: string },
  options: FutureDatingOptions,
): string | undefined {
  const tolerance = options.toleranceMs ?? CLOCK_SKEW_TOLERANCE_MS;
  const latest = Math.max(Date.parse(manifest.startedAt), Date.parse(manifest.finishedAt) || 0);
  if (latest > options.now + tolerance) {
    return `dated in the future: ${new Date(latest).toISOString()} is after this host's clock (${new Date(options.now).toISOString()})`;
  }
  const written = options.writtenAt === undefined ? Number.NaN : Date.parse(options.writtenAt);
  if (!Number.isNaN(written) && latest > written + tolerance) {
    return `dated in the future: ${new Date(latest).toISOString()} is after the remote wrote its manifest (${new Date(written).toISOString()})`;
  }
  return undefined;
}
