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
/** Room left after the last event when fitting, so a final marker is not on the edge. */
const FIT_MARGIN = 0.04;

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

/** The whole run, with a little air on the right. */
export function fit(end: number): TimeWindow {
  const length = Math.max(end, MIN_SPAN_US * 5);
  return { start: 0, end: length * (1 + FIT_MARGIN) };
}

/**
 * How far the view may go: from a little before 0 to a little after the end of the log, and no
 * wider than the whole run (zooming out further would only shrink the picture).
 */
function clamp(window: TimeWindow, end: number): TimeWindow {
  const whole = fit(end);
  const length = Math.min(Math.max(span(window), MIN_SPAN_US), span(whole));
  const lowest = -length * FIT_MARGIN;
  const highest = Math.max(whole.end, length) - length + length * FIT_MARGIN;
  const start = Math.min(Math.max(window.start, lowest), highest);
  return { start, end: start + length };
}

/** Zoom by `factor` (> 1 zooms in) keeping the time under `anchorX` where it is. */
export function zoomAt(
  window: TimeWindow,
  width: number,
  anchorX: number,
  factor: number,
  end: number,
): TimeWindow {
  const anchor = xToTime(window, width, anchorX);
  const length = Math.max(span(window) / factor, MIN_SPAN_US);
  const ratio = width > 0 ? anchorX / width : 0.5;
  return clamp({ start: anchor - ratio * length, end: anchor - ratio * length + length }, end);
}

/** Move by `dx` pixels (positive moves later in time into view). */
export function panBy(window: TimeWindow, width: number, dx: number, end: number): TimeWindow {
  const dt = width > 0 ? (dx / width) * span(window) : 0;
  return clamp({ start: window.start + dt, end: window.end + dt }, end);
}

/** Live follow: keep the zoom, put the present near the right edge. */
export function follow(window: TimeWindow, now: number): TimeWindow {
  const length = Math.max(span(window), MIN_SPAN_US);
  // While the run is shorter than the window, show it from its start rather than scrolling.
  const start = Math.max(0, now + length * FIT_MARGIN - length);
  return { start, end: start + length };
}
