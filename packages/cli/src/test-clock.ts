/**
 * Test-only: shifts this process's clock by `BK_TEST_CLOCK_OFFSET_MS` milliseconds, the way
 * faketime would, so tests can run the real code paths on a host whose clock is wrong (rclone,
 * being a separate process, keeps the true time, as a storage server would). Does nothing when the
 * variable is unset; an unparsable value is ignored.
 */
export function applyTestClockOffset(value: string | undefined): void {
  const offset = value === undefined ? Number.NaN : Number(value);
  if (!Number.isFinite(offset) || offset === 0) return;
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }
    static override now(): number {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
