// Where things are on screen: rows for the lanes, rectangles for spans, points for markers.
// Painting (draw.ts) and pointer hit-testing both ask these functions, so what the pointer
// finds is exactly what was drawn under it.

import type {
  CpuPoint,
  CpuSeries,
  TimelineArrow,
  TimelineLane,
  TimelineLayout,
  TimelineMarker,
  TimelineSpan,
} from './layout';
import { timeToX, xToTime, type TimeWindow } from './viewport';

/** Colours resolved from the app's CSS variables at draw time (themes and classroom mode). */
export interface Theme {
  font: string;
  panel: string;
  panel2: string;
  line: string;
  text: string;
  muted: string;
  accent: string;
  running: string;
  new: string;
  waiting: string;
  terminated: string;
  error: string;
  task: string;
  focus: string;
  /** Text on a solid state colour (markers' glyphs). */
  onSolid: string;
  /** Tints need more strength on a dark panel to read as the same colour. */
  dark: boolean;
}

const THEME_VARIABLES: Record<Exclude<keyof Theme, 'dark'>, [string, string]> = {
  font: ['--font', 'system-ui, sans-serif'],
  panel: ['--panel', '#ffffff'],
  panel2: ['--panel-2', '#f0f2f5'],
  line: ['--line', '#dfe3e8'],
  text: ['--text', '#1d2126'],
  muted: ['--muted', '#5d6670'],
  accent: ['--accent', '#2456c9'],
  running: ['--running', '#009e73'],
  new: ['--new', '#0072b2'],
  waiting: ['--waiting', '#e69f00'],
  terminated: ['--terminated', '#6b7280'],
  error: ['--error', '#d55e00'],
  task: ['--timeline-task', '#cc79a7'],
  focus: ['--focus', '#2456c9'],
  onSolid: ['--timeline-on-solid', '#ffffff'],
};

export function readTheme(element: Element): Theme {
  const style = getComputedStyle(element);
  const entries = Object.entries(THEME_VARIABLES).map(([key, [variable, fallback]]) => [
    key,
    style.getPropertyValue(variable).trim() || fallback,
  ]);
  const colors = Object.fromEntries(entries) as Omit<Theme, 'dark'>;
  return { ...colors, dark: luminance(colors.panel) < 0.4 };
}

/** Relative luminance of a #rgb/#rrggbb colour; anything else counts as light. */
function luminance(color: string): number {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return 1;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255);
  return 0.2126 * (r ?? 1) + 0.7152 * (g ?? 1) + 0.0722 * (b ?? 1);
}

/** Sizes in CSS px. Text is never below 14 px × --scale, so it holds up on a projector. */
export interface Metrics {
  scale: number;
  font: number;
  labelWidth: number;
  axisHeight: number;
  processRow: number;
  threadRow: number;
  indent: number;
  marker: number;
}

export function metricsFor(scale: number, width: number): Metrics {
  const s = Math.max(0.75, scale);
  return {
    scale: s,
    font: 14 * s,
    labelWidth: Math.round(Math.min(290 * s, Math.max(140, width * 0.34))),
    axisHeight: Math.round(30 * s),
    processRow: Math.round(40 * s),
    threadRow: Math.round(32 * s),
    indent: Math.round(16 * s),
    marker: 7 * s,
  };
}

export interface Row {
  lane: TimelineLane;
  /** From the top of the first row, before scrolling. */
  top: number;
  height: number;
  /** Process rows: whether it has thread rows to show or hide. */
  threads: number;
  collapsed: boolean;
}

export interface Rows {
  list: Row[];
  total: number;
  /** Every lane's row; a hidden thread lane maps to its process's row. */
  byLane: Map<string, Row>;
}

export function buildRows(
  layout: TimelineLayout,
  collapsed: ReadonlySet<string>,
  metrics: Metrics,
): Rows {
  const list: Row[] = [];
  const byLane = new Map<string, Row>();
  const threadCount = new Map<string, number>();
  for (const lane of layout.lanes)
    if (lane.kind === 'thread' && lane.parent)
      threadCount.set(lane.parent, (threadCount.get(lane.parent) ?? 0) + 1);
  let top = 0;
  for (const lane of layout.lanes) {
    const owner = lane.kind === 'thread' && lane.parent ? byLane.get(lane.parent) : undefined;
    if (owner?.collapsed) {
      byLane.set(lane.id, owner);
      continue;
    }
    const height = lane.kind === 'process' ? metrics.processRow : metrics.threadRow;
    const row: Row = {
      lane,
      top,
      height,
      threads: threadCount.get(lane.id) ?? 0,
      collapsed: collapsed.has(lane.id),
    };
    list.push(row);
    byLane.set(lane.id, row);
    top += height;
  }
  return { list, total: top, byLane };
}

export interface Scene {
  layout: TimelineLayout;
  rows: Rows;
  metrics: Metrics;
  theme: Theme;
  window: TimeWindow;
  /** Open spans are drawn up to here: the present while live, else the end of the log. */
  now: number;
  width: number;
  height: number;
  scrollY: number;
  hover: Hit | null;
  selected: string | null;
  /** Replay: the moment the app shows the state of; everything later is dimmed. */
  cursor: number | null;
  live: boolean;
}

export const plotLeft = (scene: Scene): number => scene.metrics.labelWidth;
export const plotWidth = (scene: Scene): number =>
  Math.max(1, scene.width - scene.metrics.labelWidth);
export const rowY = (scene: Scene, row: Row): number =>
  scene.metrics.axisHeight + row.top - scene.scrollY;

export function xOf(scene: Scene, t: number): number {
  return plotLeft(scene) + timeToX(scene.window, plotWidth(scene), t);
}

export function timeAt(scene: Scene, x: number): number {
  return xToTime(scene.window, plotWidth(scene), x - plotLeft(scene));
}

/** Rows that intersect the area below the axis, found by binary search. */
export function visibleRows(scene: Scene): Row[] {
  const list = scene.rows.list;
  const top = scene.scrollY;
  const bottom = top + scene.height - scene.metrics.axisHeight;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const row = list[mid] as Row;
    if (row.top + row.height <= top) lo = mid + 1;
    else hi = mid;
  }
  const out: Row[] = [];
  for (let i = lo; i < list.length; i++) {
    const row = list[i] as Row;
    if (row.top >= bottom) break;
    out.push(row);
  }
  return out;
}

/** The band of a row that bars occupy; markers sit on its middle line. */
export function bar(scene: Scene, row: Row): { y: number; h: number } {
  const pad = Math.round((row.lane.kind === 'process' ? 7 : 5) * scene.metrics.scale);
  return { y: rowY(scene, row) + pad, h: row.height - 2 * pad };
}

/**
 * How much of the bar a span covers: a thread's own life is a slimmer band, so the waits and
 * tasks on top of it stand out; a terminated process keeps only a thin "it is gone" band.
 */
export function spanBand(kind: TimelineSpan['kind'], lane: TimelineLane['kind']): [number, number] {
  if (kind === 'terminated') return [0.3, 0.4];
  if (lane === 'thread' && (kind === 'running' || kind === 'new')) return [0.22, 0.56];
  return [0, 1];
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function spanBox(scene: Scene, row: Row, span: TimelineSpan): Box {
  const band = bar(scene, row);
  const [from, size] = spanBand(span.kind, row.lane.kind);
  const x0 = xOf(scene, span.start);
  const x1 = xOf(scene, span.end ?? scene.now);
  // Never thinner than 2 px: a 300 µs join must still be visible in a 10 s view.
  return { x: x0, y: band.y + band.h * from, w: Math.max(2, x1 - x0), h: band.h * size };
}

export function markerPoint(scene: Scene, row: Row, marker: TimelineMarker): [number, number] {
  const band = bar(scene, row);
  // Output ticks sit on the bar's lower edge, out of the way of lifecycle markers.
  const y = marker.kind === 'output' ? band.y + band.h : band.y + band.h / 2;
  return [xOf(scene, marker.t), y];
}

export function arrowEnds(
  scene: Scene,
  arrow: TimelineArrow,
): [number, number, number, number] | null {
  const from = scene.rows.byLane.get(arrow.from);
  const to = scene.rows.byLane.get(arrow.to);
  if (!from || !to || from === to) return null;
  const a = bar(scene, from);
  const b = bar(scene, to);
  const down = b.y > a.y;
  return [
    xOf(scene, arrow.t0),
    down ? a.y + a.h : a.y,
    xOf(scene, arrow.t1),
    down ? b.y : b.y + b.h,
  ];
}

/** First index whose key is ≥ value in a list sorted by that key. */
export function lowerBound<T>(list: readonly T[], value: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid] as T) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sample of a CPU series that ends at or after t. */
export function sampleAt(series: CpuSeries, t: number): number {
  let lo = 0;
  let hi = Math.floor(series.length / 3);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((series[mid * 3 + 1] ?? 0) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The CPU sample covering time t on a lane, if any. */
export function cpuAt(series: CpuSeries, t: number): CpuPoint | null {
  const i = sampleAt(series, t) * 3;
  const start = series[i];
  if (start === undefined || start > t) return null;
  return { start, end: series[i + 1] ?? start, cpu: series[i + 2] ?? 0 };
}

// ---------------------------------------------------------------------------------------------

export type Hit =
  | { kind: 'marker'; marker: TimelineMarker; row: Row }
  | { kind: 'span'; span: TimelineSpan; row: Row; t: number; cpu: CpuPoint | null }
  | { kind: 'arrow'; arrow: TimelineArrow }
  | { kind: 'label'; row: Row; toggle: boolean }
  | { kind: 'lane'; row: Row; t: number; cpu: CpuPoint | null };

/** What is under the pointer, most specific first: marker, arrow, span, then the lane. */
export function hitTest(scene: Scene, x: number, y: number): Hit | null {
  if (y < scene.metrics.axisHeight) return null;
  const row = visibleRows(scene).find((r) => {
    const top = rowY(scene, r);
    return y >= top && y < top + r.height;
  });
  if (x < plotLeft(scene)) {
    if (!row) return null;
    const toggleRight = scene.metrics.indent * (row.lane.depth + 1) + 6;
    return { kind: 'label', row, toggle: row.threads > 0 && x <= toggleRight };
  }
  const marker = row ? nearestMarker(scene, row, x, y) : null;
  if (marker) return { kind: 'marker', marker, row: row as Row };
  const arrow = nearestArrow(scene, x, y);
  if (arrow) return { kind: 'arrow', arrow };
  if (!row) return null;
  const t = timeAt(scene, x);
  const content = scene.layout.content.get(row.lane.id);
  const cpu = content ? cpuAt(content.cpu, t) : null;
  // Later spans in the list are drawn on top (waits over a thread's life): search backwards.
  const spans = content?.spans ?? [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i] as TimelineSpan;
    const box = spanBox(scene, row, span);
    if (x >= box.x && x <= box.x + box.w && y >= box.y - 2 && y <= box.y + box.h + 2)
      return { kind: 'span', span, row, t, cpu };
  }
  return { kind: 'lane', row, t, cpu };
}

function nearestMarker(scene: Scene, row: Row, x: number, y: number): TimelineMarker | null {
  const markers = scene.layout.content.get(row.lane.id)?.markers ?? [];
  const reach = scene.metrics.marker + 3;
  const from = lowerBound(markers, timeAt(scene, x - reach), (m) => m.t);
  let best: TimelineMarker | null = null;
  let bestDistance = Infinity;
  for (let i = from; i < markers.length; i++) {
    const marker = markers[i] as TimelineMarker;
    const [mx, my] = markerPoint(scene, row, marker);
    if (mx > x + reach) break;
    const distance = Math.hypot(mx - x, my - y);
    if (distance <= reach + (marker.kind === 'output' ? 4 : 0) && distance < bestDistance) {
      best = marker;
      bestDistance = distance;
    }
  }
  return best;
}

function nearestArrow(scene: Scene, x: number, y: number): TimelineArrow | null {
  for (const arrow of scene.layout.arrows) {
    if (arrow.kind === 'start') continue;
    const ends = arrowEnds(scene, arrow);
    if (!ends) continue;
    if (distanceToSegment(x, y, ...ends) <= 4) return arrow;
  }
  return null;
}

function distanceToSegment(
  px: number,
  py: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const length = dx * dx + dy * dy;
  const k = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / length));
  return Math.hypot(px - (x0 + k * dx), py - (y0 + k * dy));
}
