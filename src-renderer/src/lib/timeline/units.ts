// Time on the Timeline: every time is in microseconds since the run started (the log's unit).
// Labels pick their unit from the size of the value and their decimals from the tick step, so
// a tick reads "1.0012 s" when zoomed in near one second, never "1,001,200 µs".

const UNITS = [
  { size: 1_000_000, suffix: 's' },
  { size: 1_000, suffix: 'ms' },
  { size: 1, suffix: 'µs' },
] as const;

function unitFor(magnitude: number): (typeof UNITS)[number] {
  return UNITS.find((unit) => magnitude >= unit.size) ?? UNITS[2];
}

/** A time label whose precision is enough to tell ticks `step` µs apart. */
export function formatTick(t: number, step: number): string {
  if (t === 0) return '0';
  const unit = unitFor(Math.abs(t));
  const decimals = Math.max(0, Math.ceil(Math.log10(unit.size / step) - 1e-9));
  return `${(t / unit.size).toFixed(Math.min(decimals, 6))} ${unit.suffix}`;
}

/** A time or a duration for people: three significant figures, "12.4 ms", "1.01 s", "850 µs". */
export function formatMicros(us: number): string {
  const unit = unitFor(Math.abs(us));
  const value = us / unit.size;
  const abs = Math.abs(value);
  const digits = unit.size === 1 || abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit.suffix}`;
}

/**
 * Evenly spaced "nice" ticks (1, 2, 5 × 10ⁿ µs) over [start, end] drawn `width` px wide, at
 * least `minGap` px apart so their labels never collide.
 */
export function chooseTicks(
  start: number,
  end: number,
  width: number,
  minGap: number,
): { step: number; ticks: number[] } {
  const span = Math.max(end - start, 1e-6);
  const wanted = Math.max(1, width / minGap);
  const raw = span / wanted;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) ticks.push(Math.round(t));
  return { step, ticks };
}
