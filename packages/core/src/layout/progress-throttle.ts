/**
 * Wraps a progress callback so it fires at most every `intervalMs`, with the speed over the
 * interval since the previous report.
 */
export function throttleProgress(
  report: (progress: { bytes: number; speed: number }) => void,
  intervalMs = 500,
): (bytes: number) => void {
  let last = { at: Date.now(), bytes: 0 };
  return (bytes) => {
    const now = Date.now();
    const elapsed = now - last.at;
    if (elapsed < intervalMs) return;
    const speed = ((bytes - last.bytes) * 1000) / elapsed;
    last = { at: now, bytes };
    report({ bytes, speed });
  };
}
