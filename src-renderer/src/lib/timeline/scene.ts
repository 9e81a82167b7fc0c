// Where things are on screen: rows for the lanes (and for the machine's CPU, and for each run
// when several are stacked), rectangles for spans, points for markers. Painting (draw.ts),
// pointer hit-testing and the export all ask these functions, so what the pointer finds is
// exactly what was drawn under it.

import type {
  CpuPoint,
  CpuSeries,
  LaneContent,
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
  /** The machine's cores, apart from the run's own (green) CPU. */
  core: string;
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
  core: ['--timeline-core', '#56b4e9'],
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

// ---------------------------------------------------------------------------------------------
// Sizes

/** Text is never below this, however many lanes must share the height: a projector's floor. */
export const MIN_FONT = 14;

/** Sizes in CSS px. */
export interface Metrics {
  scale: number;
  /** Lane names and labels on the plot. */
  font: number;
  /** Second lines (pid, parent, threads), scales and values; never below MIN_FONT either. */
  small: number;
  /** The gutter of lane names, to the left of the plot. */
  labelWidth: number;
  axisHeight: number;
  processRow: number;
  threadRow: number;
  /** The run's total CPU. */
  totalRow: number;
  coreRow: number;
  /** A run's header when several are stacked. */
  runRow: number;
  indent: number;
  marker: number;
}

/** Sizes at a text scale (1, or classroom's 1.4), before they are fitted to a height. */
export function metricsFor(scale: number): Metrics {
  const s = Math.max(0.75, scale);
  const font = Math.max(MIN_FONT, 14 * s);
  return {
    scale: s,
    font,
    small: Math.max(MIN_FONT, Math.round(font * 0.86)),
    labelWidth: 0,
    axisHeight: Math.round(30 * s),
    // Two lines: the name, then pid · parent · threads.
    processRow: Math.round(46 * s),
    threadRow: Math.round(32 * s),
    totalRow: Math.round(40 * s),
    coreRow: Math.round(22 * s),
    runRow: Math.round(34 * s),
    indent: Math.round(16 * s),
    marker: 7 * s,
  };
}

export interface RowCounts {
  process: number;
  thread: number;
  total: number;
  core: number;
  run: number;
}

/** The least each row may shrink to: one line of MIN_FONT text with a little air. */
const MIN_ROWS = { process: 22, thread: 20, total: 22, core: 14, run: 26, axis: 26 } as const;

function rowsHeight(metrics: Metrics, counts: RowCounts): number {
  return (
    counts.process * metrics.processRow +
    counts.thread * metrics.threadRow +
    counts.total * metrics.totalRow +
    counts.core * metrics.coreRow +
    counts.run * metrics.runRow
  );
}

/**
 * Shrinks the axis and the rows (and their text, never below MIN_FONT) just enough for every
 * row to fit in `height` px, so a projector shows the whole run without scrolling. Rows grow only to give
 * process labels a third line; when even the smallest rows do not fit, they stay smallest and
 * the lanes scroll. Many cores (a 16-core machine) get thin rows.
 */
export function fitMetrics(base: Metrics, counts: RowCounts, height: number): Metrics {
  const fits = (metrics: Metrics) => metrics.axisHeight + rowsHeight(metrics, counts) <= height;
  // With room to spare, a process's label gets a third line: name, pid · parent, threads.
  const roomy = { ...base, processRow: Math.max(base.processRow, Math.ceil(base.font * 3.6 + 6)) };
  if (fits(roomy)) return roomy;
  if (fits(base)) return base;
  const minCore = counts.core > 8 ? 6 : MIN_ROWS.core;
  const at = (density: number): Metrics => {
    const size = (full: number, least: number) => Math.round(least + (full - least) * density);
    const threadRow = size(base.threadRow, MIN_ROWS.thread);
    return {
      ...base,
      font: Math.max(MIN_FONT, Math.min(base.font, threadRow - 6)),
      small: Math.max(MIN_FONT, Math.min(base.small, threadRow - 6)),
      axisHeight: size(base.axisHeight, Math.min(MIN_ROWS.axis, base.axisHeight)),
      processRow: size(base.processRow, MIN_ROWS.process),
      threadRow,
      totalRow: size(base.totalRow, MIN_ROWS.total),
      coreRow: size(base.coreRow, Math.min(minCore, base.coreRow)),
      runRow: size(base.runRow, MIN_ROWS.run),
      marker: base.marker * (0.7 + 0.3 * density),
    };
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 12; i++) {
    const mid = (lo + hi) / 2;
    if (fits(at(mid))) lo = mid;
    else hi = mid;
  }
  return at(lo);
}

// ---------------------------------------------------------------------------------------------
// Rows

/** One run on the shared time axis. */
export interface SceneRun {
  /** Stable across builds: keys what is collapsed and selected in this run. */
  key: string;
  title: string;
  layout: TimelineLayout;
  /** µs taken off this run's times to place it on the axis: 0, or its script's start. */
  offset: number;
  /** Open spans are drawn up to here (run time): the present while live, else the log's end. */
  now: number;
  /** The figure in the run's header when runs are stacked ("wall time 1.02 s", "1.9×"). */
  figure: string;
}

interface RowBase {
  /** Index of the run in Scene.runs. */
  run: number;
  /** From the top of the first row, before scrolling. */
  top: number;
  height: number;
  /** Stays under the axis while the rows below it scroll (the machine strip of a single run). */
  pinned: boolean;
}

export interface LaneRow extends RowBase {
  kind: 'lane';
  lane: TimelineLane;
  content: LaneContent | undefined;
  /** Process rows: how many thread rows it has to show or hide. */
  threads: number;
  collapsed: boolean;
  /** Full scale of the CPU graph, percent of one core: 100, or more for a process above it. */
  cpuScale: number;
}

export interface CpuRow extends RowBase {
  /** 'total': the run's processes together, with a "one core" line; 'core': one logical core. */
  kind: 'total' | 'core';
  series: CpuSeries;
  /** The logical core ('core'), or how many the machine has ('total'). */
  core: number;
  /** Percent of one core at the top of the row. */
  cpuScale: number;
  /** 'total': the cores rows are hidden. */
  collapsed: boolean;
}

export interface RunRow extends RowBase {
  kind: 'run';
}

export type Row = LaneRow | CpuRow | RunRow;

export interface Rows {
  list: Row[];
  total: number;
  /** Height of the pinned rows at the top. */
  pinned: number;
  /** Per run: every lane's row; a hidden thread lane maps to its process's row. */
  byLane: Map<string, LaneRow>[];
  counts: RowCounts;
}

/** The key a lane (or the machine strip) of a run is collapsed or selected by. */
export const rowKey = (run: SceneRun, id: string): string => `${run.key}|${id}`;
export const MACHINE = 'machine';

/** Full scale for a series whose highest sample is `peak`: whole cores, at least `least`. */
function scaleFor(peak: number, least: number): number {
  return Math.max(least, Math.ceil((peak - 5) / 100) * 100);
}

function seriesPeak(series: CpuSeries): number {
  let peak = 0;
  for (let i = 2; i < series.length; i += 3) peak = Math.max(peak, series[i] ?? 0);
  return peak;
}

/**
 * Rows in display order. One run: its CPU strip (pinned), then its lanes. Several: each run's
 * header, its strip and its lanes, one run after another.
 */
export function buildRows(
  runs: readonly SceneRun[],
  collapsed: ReadonlySet<string>,
  metrics: Metrics,
): Rows {
  const list: Row[] = [];
  const byLane: Map<string, LaneRow>[] = [];
  const counts: RowCounts = { process: 0, thread: 0, total: 0, core: 0, run: 0 };
  const stacked = runs.length > 1;
  let top = 0;
  let pinned = 0;
  const push = (row: Row, count: keyof RowCounts): void => {
    list.push(row);
    counts[count] += 1;
    top += row.height;
    if (row.pinned) pinned = top;
  };
  runs.forEach((run, index) => {
    const { layout } = run;
    const lanes = new Map<string, LaneRow>();
    byLane.push(lanes);
    if (stacked)
      push({ kind: 'run', run: index, top, height: metrics.runRow, pinned: false }, 'run');
    const strip = !stacked;
    if (layout.totalCpu.length > 0 || layout.cores.length > 0) {
      const cores = layout.cores.length;
      // Stacked, the runs' totals are what is compared: their cores are folded until asked for
      // (the key then means "unfolded").
      const hidden = collapsed.has(rowKey(run, MACHINE)) !== stacked;
      push(
        {
          kind: 'total',
          run: index,
          top,
          height: metrics.totalRow,
          pinned: strip,
          series: layout.totalCpu,
          core: cores,
          cpuScale: scaleFor(seriesPeak(layout.totalCpu), Math.max(100, cores * 100)),
          collapsed: hidden,
        },
        'total',
      );
      if (!hidden)
        layout.cores.forEach((series, core) =>
          push(
            {
              kind: 'core',
              run: index,
              top,
              height: metrics.coreRow,
              pinned: strip,
              series,
              core,
              cpuScale: 100,
              collapsed: false,
            },
            'core',
          ),
        );
    }
    const threadCount = new Map<string, number>();
    for (const lane of layout.lanes)
      if (lane.kind === 'thread' && lane.parent)
        threadCount.set(lane.parent, (threadCount.get(lane.parent) ?? 0) + 1);
    for (const lane of layout.lanes) {
      const owner = lane.kind === 'thread' && lane.parent ? lanes.get(lane.parent) : undefined;
      if (owner?.collapsed) {
        lanes.set(lane.id, owner);
        continue;
      }
      const isProcess = lane.kind === 'process';
      const row: LaneRow = {
        kind: 'lane',
        run: index,
        lane,
        content: layout.content.get(lane.id),
        top,
        height: isProcess ? metrics.processRow : metrics.threadRow,
        pinned: false,
        threads: threadCount.get(lane.id) ?? 0,
        collapsed: collapsed.has(rowKey(run, lane.id)),
        cpuScale: scaleFor(lane.cpuPeak, 100),
      };
      lanes.set(lane.id, row);
      push(row, isProcess ? 'process' : 'thread');
    }
  });
  return { list, total: top, pinned, byLane, counts };
}

// ---------------------------------------------------------------------------------------------
// The scene

export interface Scene {
  runs: SceneRun[];
  rows: Rows;
  metrics: Metrics;
  theme: Theme;
  window: TimeWindow;
  width: number;
  height: number;
  /** Px above the axis: the export's title and legend; 0 on screen. */
  top: number;
  scrollY: number;
  hover: Hit | null;
  /** rowKey of the selected lane. */
  selected: string | null;
  /** Replay: the moment the app shows the state of (axis time); everything later is dimmed. */
  cursor: number | null;
  /** Draw the present as a line (a live run on screen). */
  live: boolean;
}

export const plotLeft = (scene: Scene): number => scene.metrics.labelWidth;
export const plotWidth = (scene: Scene): number =>
  Math.max(1, scene.width - scene.metrics.labelWidth);
/** Where rows begin: under the axis. */
export const rowsTop = (scene: Scene): number => scene.top + scene.metrics.axisHeight;
export const rowY = (scene: Scene, row: Row): number =>
  rowsTop(scene) + row.top - (row.pinned ? 0 : scene.scrollY);

export const runOf = (scene: Scene, row: Row): SceneRun => scene.runs[row.run] as SceneRun;

/** x of axis time t. */
export function xOf(scene: Scene, t: number): number {
  return plotLeft(scene) + timeToX(scene.window, plotWidth(scene), t);
}

/** x of time t of a row's run (its own clock, before the offset that aligns it). */
export function xAt(scene: Scene, row: Row, t: number): number {
  return xOf(scene, t - runOf(scene, row).offset);
}

/** Axis time at x. */
export function timeAt(scene: Scene, x: number): number {
  return xToTime(scene.window, plotWidth(scene), x - plotLeft(scene));
}

export function maxScroll(rows: Rows, metrics: Metrics, height: number): number {
  return Math.max(0, rows.total - (height - metrics.axisHeight));
}

/** Pinned rows, then the scrolled rows that intersect the area below them (binary search). */
export function visibleRows(scene: Scene): Row[] {
  const list = scene.rows.list;
  const out: Row[] = [];
  let lo = 0;
  while (lo < list.length && (list[lo] as Row).pinned) out.push(list[lo++] as Row);
  const top = scene.rows.pinned + scene.scrollY;
  const bottom = scene.scrollY + scene.height - rowsTop(scene);
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const row = list[mid] as Row;
    if (row.top + row.height <= top) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) {
    const row = list[i] as Row;
    if (row.top >= bottom) break;
    out.push(row);
  }
  return out;
}

/** The band of a row that bars and graphs occupy; markers sit on its middle line. */
export function bar(scene: Scene, row: Row): { y: number; h: number } {
  const small = row.kind === 'core' || (row.kind === 'lane' && row.lane.kind === 'thread');
  const pad = Math.max(2, Math.round(row.height * (small ? 0.14 : 0.16)));
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

export function spanBox(scene: Scene, row: LaneRow, span: TimelineSpan): Box {
  const band = bar(scene, row);
  const [from, size] = spanBand(span.kind, row.lane.kind);
  const x0 = xAt(scene, row, span.start);
  const run = runOf(scene, row);
  // A process stays terminated: once its run is over that band reaches the edge of the view.
  const x1 =
    span.end !== null
      ? xAt(scene, row, span.end)
      : span.kind === 'terminated' && run.layout.ended
        ? Math.max(xAt(scene, row, run.now), scene.width)
        : xAt(scene, row, run.now);
  // Never thinner than 2 px: a 300 µs join must still be visible in a 10 s view.
  return { x: x0, y: band.y + band.h * from, w: Math.max(2, x1 - x0), h: band.h * size };
}

export function markerPoint(scene: Scene, row: LaneRow, marker: TimelineMarker): [number, number] {
  const band = bar(scene, row);
  // Output ticks sit on the bar's lower edge, out of the way of lifecycle markers.
  const y = marker.kind === 'output' ? band.y + band.h : band.y + band.h / 2;
  return [xAt(scene, row, marker.t), y];
}

export function arrowEnds(
  scene: Scene,
  run: number,
  arrow: TimelineArrow,
): [number, number, number, number] | null {
  const lanes = scene.rows.byLane[run];
  const from = lanes?.get(arrow.from);
  const to = lanes?.get(arrow.to);
  if (!from || !to || from === to) return null;
  const a = bar(scene, from);
  const b = bar(scene, to);
  const down = b.y > a.y;
  return [
    xAt(scene, from, arrow.t0),
    down ? a.y + a.h : a.y,
    xAt(scene, to, arrow.t1),
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

/** The CPU sample covering time t of a series, if any. */
export function cpuAt(series: CpuSeries, t: number): CpuPoint | null {
  const i = sampleAt(series, t) * 3;
  const start = series[i];
  if (start === undefined || start > t) return null;
  return { start, end: series[i + 1] ?? start, cpu: series[i + 2] ?? 0 };
}

// ---------------------------------------------------------------------------------------------

export type Hit =
  | { kind: 'marker'; marker: TimelineMarker; row: LaneRow }
  | { kind: 'span'; span: TimelineSpan; row: LaneRow; t: number; cpu: CpuPoint | null }
  | { kind: 'arrow'; arrow: TimelineArrow; run: number }
  | { kind: 'label'; row: LaneRow | CpuRow; toggle: boolean }
  | { kind: 'lane'; row: LaneRow; t: number; cpu: CpuPoint | null }
  | { kind: 'cpu'; row: CpuRow; t: number; cpu: CpuPoint | null }
  | { kind: 'run'; row: RunRow };

/** Where a row's disclosure triangle ends, from the left edge. */
export function toggleRight(scene: Scene, row: LaneRow | CpuRow): number {
  const depth = row.kind === 'lane' ? row.lane.depth : 0;
  return 8 * scene.metrics.scale + scene.metrics.indent * (depth + 1) + 6;
}

/** What is under the pointer, most specific first: marker, arrow, span, then the lane. */
export function hitTest(scene: Scene, x: number, y: number): Hit | null {
  if (y < rowsTop(scene)) return null;
  // A scrolled row that slid under the pinned strip is hidden by it.
  const inPinned = y < rowsTop(scene) + scene.rows.pinned;
  const row = visibleRows(scene).find((r) => {
    const top = rowY(scene, r);
    return r.pinned === inPinned && y >= top && y < top + r.height;
  });
  if (row?.kind === 'run') return { kind: 'run', row };
  if (x < plotLeft(scene)) {
    if (!row) return null;
    const foldable = row.kind === 'lane' ? row.threads > 0 : row.kind === 'total' && row.core > 0;
    return { kind: 'label', row, toggle: foldable && x <= toggleRight(scene, row) };
  }
  const t = timeAt(scene, x);
  if (row && row.kind !== 'lane') {
    const runT = t + runOf(scene, row).offset;
    return { kind: 'cpu', row, t: runT, cpu: cpuAt(row.series, runT) };
  }
  const marker = row ? nearestMarker(scene, row, x, y) : null;
  if (marker && row) return { kind: 'marker', marker, row };
  const arrow = nearestArrow(scene, x, y);
  if (arrow) return { kind: 'arrow', ...arrow };
  if (!row) return null;
  const runT = t + runOf(scene, row).offset;
  const cpu = row.content ? cpuAt(row.content.cpu, runT) : null;
  // Later spans in the list are drawn on top (waits over a thread's life): search backwards.
  const spans = row.content?.spans ?? [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const span = spans[i] as TimelineSpan;
    const box = spanBox(scene, row, span);
    if (x >= box.x && x <= box.x + box.w && y >= box.y - 2 && y <= box.y + box.h + 2)
      return { kind: 'span', span, row, t: runT, cpu };
  }
  return { kind: 'lane', row, t: runT, cpu };
}

function nearestMarker(scene: Scene, row: LaneRow, x: number, y: number): TimelineMarker | null {
  const markers = row.content?.markers ?? [];
  const reach = scene.metrics.marker + 3;
  const offset = runOf(scene, row).offset;
  const from = lowerBound(markers, timeAt(scene, x - reach) + offset, (m) => m.t);
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

function nearestArrow(
  scene: Scene,
  x: number,
  y: number,
): { arrow: TimelineArrow; run: number } | null {
  for (let run = 0; run < scene.runs.length; run++)
    for (const arrow of (scene.runs[run] as SceneRun).layout.arrows) {
      if (arrow.kind === 'start') continue;
      const ends = arrowEnds(scene, run, arrow);
      if (!ends) continue;
      if (distanceToSegment(x, y, ...ends) <= 4) return { arrow, run };
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
