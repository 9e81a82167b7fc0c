// The visible window of time and the mapping between time (µs) and pixels along the plot.
// Immutable values: every gesture returns a new window, so the component can tell "the user
// moved the view" (which stops live follow) from "time moved on" by who made the new window.

export interface TimeWindow {
  /** µs at the left edge of the plot. */
  start: number;
  /** µs at the right edge. */
  end: number;
}

/** Zoomed in as far as this, single milliseconds are a hand's width across on any screen. */
export const MIN_SPAN_US = 200;
/** Shown before anything has happened, and the least a live view shows. */
export const DEFAULT_SPAN_US = 2_000_000;
/**
 * Room left after the last event when fitting: the exit status of a process that ends with the
 * run is written there, and its Terminated band must be more than a sliver.
 */
const FIT_MARGIN = 0.1;
/** Room before the start, so a marker at 0 is not cut in half. */
const LEAD_MARGIN = 0.015;

export function span(window: TimeWindow): number {
  return window.end - window.start;
}

/** Pixel x within the plot of time `t`; the plot is `width` px wide and starts at 0. */
export function timeToX(window: TimeWindow, width: number, t: number): number {
  return ((t - window.start) / span(window)) * width;
}

export function xToTime(window: TimeWindow, width: number, x: number): number {
  return window.start + (x / width) * span(window);
}

/** The whole run (from `start` to `end`), with a little air on either side. */
export function fit(end: number, start = 0): TimeWindow {
  const length = Math.max(end - start, MIN_SPAN_US * 5);
  return { start: start - length * LEAD_MARGIN, end: start + length * (1 + FIT_MARGIN) };
}

/**
 * How far the view may go: from a little before `start` to a little after the end of the log,
 * and no wider than the whole run (zooming out further would only shrink the picture).
 */
function clamp(window: TimeWindow, end: number, start: number): TimeWindow {
  const whole = fit(end, start);
  const length = Math.min(Math.max(span(window), MIN_SPAN_US), span(whole));
  const lowest = start - length * LEAD_MARGIN;
  const highest = Math.max(whole.end, whole.start + length) - length + length * LEAD_MARGIN;
  const from = Math.min(Math.max(window.start, lowest), highest);
  return { start: from, end: from + length };
}

/** Zoom by `factor` (> 1 zooms in) keeping the time under `anchorX` where it is. */
export function zoomAt(
  window: TimeWindow,
  width: number,
  anchorX: number,
  factor: number,
  end: number,
  start = 0,
): TimeWindow {
  const anchor = xToTime(window, width, anchorX);
  const length = Math.max(span(window) / factor, MIN_SPAN_US);
  const ratio = width > 0 ? anchorX / width : 0.5;
  return clamp(
    { start: anchor - ratio * length, end: anchor - ratio * length + length },
    end,
    start,
  );
}

/** Move by `dx` pixels (positive moves later in time into view). */
export function panBy(
  window: TimeWindow,
  width: number,
  dx: number,
  end: number,
  start = 0,
): TimeWindow {
  const dt = width > 0 ? (dx / width) * span(window) : 0;
  return clamp({ start: window.start + dt, end: window.end + dt }, end, start);
}

/** Live follow: keep the zoom, put the present near the right edge. */
export function follow(window: TimeWindow, now: number): TimeWindow {
  const length = Math.max(span(window), MIN_SPAN_US);
  // While the run is shorter than the window, show it from its start rather than scrolling.
  const start = Math.max(0, now + length * FIT_MARGIN - length);
  return { start, end: start + length };
}
