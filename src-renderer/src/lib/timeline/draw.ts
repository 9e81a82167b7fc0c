// Paints a Scene with any Painter: the screen's canvas, the PNG export, the SVG export.
//
// Visual language (Okabe–Ito colours, and never colour alone):
//   New        blue, dashed outline: the object exists, its OS process does not yet
//   Running    green, solid outline; the CPU it uses rises inside it as a solid green area,
//              against a scale in the gutter (the band is 100 % of one core)
//   Exiting    green outline only: the script is done, the interpreter waits for children
//   Waiting    orange with stripes: a join() the thread is blocked in
//   Terminated grey, a thin band; the exit status is written where it begins
// The machine strip on top: the run's processes together (with a "1 core" line) and each
// logical core of the machine (sky blue: the whole machine, not only this run).
// Markers each have their own shape: ▶ start, ●/○ is_alive True/False, ■ terminate, ✕ kill,
// ◆ exception, ▲ API misuse, ⚑ script finished, ticks for output lines. What the class must
// read is written beside them: the call a start() makes, the exit status, a message's value.

import { signalName, signedCode } from '../process-names';
import type { CpuSeries, TimelineMarker, TimelineSpan } from './layout';
import { fitText, layOut, scaleStyle, type Label, type Measure } from './labels';
import type { Painter, ShapeStyle, TextStyle } from './painter';
import {
  arrowEnds,
  bar,
  lowerBound,
  markerPoint,
  plotLeft,
  plotWidth,
  rowsTop,
  rowY,
  runOf,
  sampleAt,
  spanBand,
  spanBox,
  visibleRows,
  xAt,
  xOf,
  type CpuRow,
  type LaneRow,
  type Row,
  type RunRow,
  type Scene,
  type Theme,
} from './scene';
import { chooseTicks, formatMicros, formatTick } from './units';

const BASE_KINDS = new Set<TimelineSpan['kind']>(['new', 'running', 'exiting', 'terminated']);

function spanStyle(kind: TimelineSpan['kind'], theme: Theme, scale: number): ShapeStyle {
  const w = 1.5 * scale;
  const tint = (alpha: number) => (theme.dark ? alpha * 1.6 : alpha);
  switch (kind) {
    case 'new':
      return {
        fill: theme.new,
        fillAlpha: tint(0.16),
        stroke: theme.new,
        lineWidth: w,
        dash: [5 * scale, 3 * scale],
      };
    case 'running':
      return { fill: theme.running, fillAlpha: tint(0.14), stroke: theme.running, lineWidth: w };
    case 'exiting':
      return {
        fill: theme.running,
        fillAlpha: tint(0.05),
        stroke: theme.running,
        lineWidth: w,
        dash: [2 * scale, 3 * scale],
      };
    case 'terminated':
      return { fill: theme.terminated, fillAlpha: tint(0.35) };
    case 'waiting':
      return {
        fill: theme.waiting,
        fillAlpha: tint(0.18),
        hatch: theme.waiting,
        stroke: theme.waiting,
        lineWidth: w,
      };
    case 'paused':
      return {
        fill: theme.waiting,
        fillAlpha: tint(0.1),
        hatch: theme.waiting,
        stroke: theme.waiting,
        lineWidth: w,
        dash: [3 * scale, 3 * scale],
      };
    case 'task':
      return { fill: theme.task, fillAlpha: tint(0.3), stroke: theme.task, lineWidth: w };
  }
}

/** The fill of a CPU graph: solid enough to read from the back of a room, in either theme. */
export function cpuStyle(theme: Theme, color: string, scale: number): ShapeStyle {
  return { fill: color, fillAlpha: theme.dark ? 0.62 : 0.5, stroke: color, lineWidth: 1.5 * scale };
}

/** Measures text with the painter that will draw it, so layout and pixels agree. */
export const measurer =
  (p: Painter): Measure =>
  (value, style) =>
    p.measure(value, style);

export function paint(p: Painter, scene: Scene): void {
  const { theme, metrics, width, height } = scene;
  p.rect(0, scene.top, width, height - scene.top, { fill: theme.panel });
  const rows = visibleRows(scene);
  const pinned = rows.filter((row) => row.pinned);
  const scrolled = rows.filter((row) => !row.pinned);
  const left = plotLeft(scene);
  const top = rowsTop(scene);
  const below = top + scene.rows.pinned;
  // Ticks as close as their labels allow ("500 ms" is about as wide as any), so even a
  // narrow plot on a projector gets a few.
  const tickGap = p.measure('500 ms', text(scene, theme.muted)) + 36 * metrics.scale;
  const ticks = chooseTicks(scene.window.start, scene.window.end, plotWidth(scene), tickGap);
  const regions: [Row[], number, number][] = [
    [scrolled, below, height - below],
    [pinned, top, scene.rows.pinned],
  ];

  for (const [list, y, h] of regions)
    p.clipped(0, y, width, h, () => {
      for (const row of list) rowBackground(p, scene, row);
    });
  p.clipped(left, top, width - left, height - top, () => {
    const grid: number[] = [];
    for (const t of ticks.ticks) {
      const x = Math.round(xOf(scene, t)) + 0.5;
      grid.push(x, top, x, height);
    }
    p.segments(grid, { stroke: theme.line, lineWidth: 1 });
  });
  for (const [list, y, h] of regions)
    p.clipped(left, y, width - left, h, () => {
      for (const row of list) paintRow(p, scene, row);
      if (list === scrolled) paintArrows(p, scene);
    });
  p.clipped(left, top, width - left, height - top, () => {
    paintTimeLines(p, scene);
    paintHover(p, scene);
  });
  paintLabels(p, scene, regions);
  if (scene.rows.pinned > 0)
    p.segments([0, below - 0.5, width, below - 0.5], { stroke: theme.muted, lineWidth: 1 });
  paintAxis(p, scene, ticks);
}

function rowBackground(p: Painter, scene: Scene, row: Row): void {
  const { theme, width } = scene;
  const y = rowY(scene, row);
  if (row.kind === 'run') {
    p.rect(0, y, width, row.height, { fill: theme.accent, fillAlpha: theme.dark ? 0.22 : 0.12 });
    p.segments([0, y + 0.5, width, y + 0.5], { stroke: theme.accent, lineWidth: 1 });
    return;
  }
  const band = row.kind === 'total' || (row.kind === 'lane' && row.lane.kind === 'process');
  if (band) p.rect(0, y, width, row.height, { fill: theme.panel2, fillAlpha: 0.55 });
  if (row.kind === 'lane' && rowSelected(scene, row))
    p.rect(0, y, width, row.height, { fill: theme.accent, fillAlpha: 0.12 });
  if (band && row.top > 0)
    p.segments([0, y + 0.5, width, y + 0.5], { stroke: theme.line, lineWidth: 1 });
}

const rowSelected = (scene: Scene, row: LaneRow): boolean =>
  scene.selected === `${runOf(scene, row).key}|${row.lane.id}`;

function text(scene: Scene, color: string, extra: Partial<TextStyle> = {}): TextStyle {
  return { size: scene.metrics.font, color, ...extra };
}

function paintRow(p: Painter, scene: Scene, row: Row): void {
  if (row.kind === 'run') return;
  if (row.kind !== 'lane') return paintCpuRow(p, scene, row);
  const content = row.content;
  if (!content) return;
  const { start, end } = scene.window;
  const run = runOf(scene, row);
  const visible = content.spans.filter(
    (span) =>
      span.start - run.offset <= end &&
      (span.end === null ? Infinity : span.end - run.offset) >= start,
  );
  for (const span of visible) if (BASE_KINDS.has(span.kind)) paintSpan(p, scene, row, span);
  paintLaneCpu(p, scene, row);
  for (const span of visible) if (!BASE_KINDS.has(span.kind)) paintSpan(p, scene, row, span);
  // Where text already is (x0, x1 pairs): the values first, as they matter most, then the
  // spans' names, then what was printed, each only where it is free.
  const taken: number[] = [];
  paintValues(p, scene, row, content.markers, taken);
  for (const span of visible) spanLabel(p, scene, row, span, taken);
  paintMarkers(p, scene, row, content.markers, taken);
  paintSendValues(p, scene, row, taken);
}

function paintSpan(p: Painter, scene: Scene, row: LaneRow, span: TimelineSpan): void {
  const box = spanBox(scene, row, span);
  p.rect(box.x, box.y, box.w, box.h, spanStyle(span.kind, scene.theme, scene.metrics.scale));
}

const overlaps = (taken: readonly number[], x0: number, x1: number, gap: number): boolean => {
  for (let i = 0; i + 1 < taken.length; i += 2)
    if (x0 < (taken[i + 1] ?? 0) + gap && x1 > (taken[i] ?? 0) - gap) return true;
  return false;
};

/** Text on a lane with a backing strip, so neither a CPU graph nor stripes strike through it. */
function laneText(
  p: Painter,
  scene: Scene,
  value: string,
  x: number,
  y: number,
  style: TextStyle,
  taken: number[],
): void {
  const w = p.measure(value, style);
  const x0 = style.align === 'right' ? x - w : x;
  p.rect(x0 - 3, y - style.size * 0.6, w + 6, style.size * 1.2, {
    fill: scene.theme.panel,
    fillAlpha: 0.82,
  });
  p.text(value, x, y, style);
  taken.push(x0, x0 + w);
}

function spanLabel(
  p: Painter,
  scene: Scene,
  row: LaneRow,
  span: TimelineSpan,
  taken: number[],
): void {
  // The end of a process is told by its exit status, written at its exit marker.
  if (span.kind === 'terminated') return;
  const box = spanBox(scene, row, span);
  const band = bar(scene, row);
  // Thin bands (a thread's life) carry no label of their own; their name is in the gutter.
  if (box.h < scene.metrics.font + 2) return;
  const style = text(scene, scene.theme.text, {
    weight: span.kind === 'running' || span.kind === 'new' ? 600 : 400,
  });
  // Keep the label in view while the span starts off the left edge ("sticky" labels).
  const x0 = Math.max(box.x, plotLeft(scene)) + 6 * scene.metrics.scale;
  const room = box.x + box.w - x0 - 4;
  const label = shortened(p, span.label, room, style);
  if (label === null) return;
  if (overlaps(taken, x0, x0 + p.measure(label, style), 6)) return;
  laneText(p, scene, label, x0, band.y + band.h / 2, style, taken);
}

/**
 * A label for `room` px: whole, or its first parts ("Script finished" of "Script finished ·
 * exiting"), or cut with an ellipsis if that still reads ("join(Proc…"); null when it would not:
 * "Ru…" says nothing, and a label is either readable or left to the tooltip.
 */
function shortened(p: Painter, value: string, room: number, style: TextStyle): string | null {
  if (p.measure(value, style) <= room) return value;
  const parts = value.split(' · ');
  for (let keep = parts.length - 1; keep > 0; keep--) {
    const head = parts.slice(0, keep).join(' · ');
    if (p.measure(head, style) <= room) return head;
  }
  const cut = fitText(measurer(p), value, room, style);
  return cut.length >= 8 ? cut : null;
}

/**
 * A CPU graph: a step area rising from the bottom of `band`, full height at `scale` percent,
 * drawn between `from` and `to` (run time). Samples narrower than a pixel share one step, as
 * tall as the busiest of them.
 */
function cpuArea(
  p: Painter,
  scene: Scene,
  row: Row,
  series: CpuSeries,
  band: { y: number; h: number },
  scale: number,
  from: number,
  to: number,
  style: ShapeStyle,
): void {
  const offset = runOf(scene, row).offset;
  const base = band.y + band.h;
  const born = xAt(scene, row, from);
  const outline: number[] = [];
  let lastX = -Infinity;
  let stepX = -Infinity;
  for (let i = sampleAt(series, scene.window.start + offset) * 3; i + 2 < series.length; i += 3) {
    const start = Math.max(series[i] ?? 0, from);
    if (start - offset > scene.window.end || start >= to) break;
    const x1 = Math.max(xAt(scene, row, Math.min(series[i + 1] ?? 0, to)), born);
    const y = base - (Math.min(series[i + 2] ?? 0, scale) / scale) * band.h;
    const n = outline.length;
    if (n >= 4 && x1 - stepX < 1) {
      const top = Math.min(outline[n - 1] ?? y, y);
      outline[n - 1] = outline[n - 3] = top;
      outline[n - 2] = x1;
    } else {
      const x0 = Math.max(xAt(scene, row, start), lastX);
      if (x0 > lastX + 0.5) {
        if (n > 0) outline.push(lastX, base);
        outline.push(x0, base);
      }
      outline.push(x0, y, x1, y);
      stepX = x0;
    }
    lastX = x1;
  }
  if (outline.length === 0) return;
  outline.push(lastX, base);
  p.poly(outline, { ...style, stroke: undefined }, true);
  // The top edge alone, so the level reads even where the fill is faint against a tint.
  const edge: number[] = [];
  // An idle stretch draws no edge: a line along the bottom would read as a bar of its own.
  const idle = (y: number | undefined) => (y ?? base) > base - 0.75;
  for (let i = 0; i + 3 < outline.length; i += 2)
    if (!idle(outline[i + 1]) || !idle(outline[i + 3]))
      edge.push(outline[i] ?? 0, outline[i + 1] ?? 0, outline[i + 2] ?? 0, outline[i + 3] ?? 0);
  if (style.stroke) p.segments(edge, { stroke: style.stroke, lineWidth: style.lineWidth ?? 1 });
}

/** A lane's CPU fills its bar, from its start to its end: 100 % of one core is the full bar. */
function paintLaneCpu(p: Painter, scene: Scene, row: LaneRow): void {
  const content = row.content;
  const series = content?.cpu ?? [];
  const running = content?.spans.find((span) => span.kind === 'running');
  if (series.length === 0 || !running) return;
  // A sample's interval can reach back to before the process or thread existed.
  const ended = content?.spans.find((span) => span.kind === 'terminated')?.start ?? Infinity;
  const to = Math.min(running.end ?? Infinity, ended);
  const style = cpuStyle(scene.theme, scene.theme.running, scene.metrics.scale);
  cpuArea(p, scene, row, series, bar(scene, row), row.cpuScale, running.start, to, style);
}

/** The run's processes together (against a "1 core" line), or one core of the machine. */
function paintCpuRow(p: Painter, scene: Scene, row: CpuRow): void {
  const { theme, metrics } = scene;
  const band = bar(scene, row);
  const left = plotLeft(scene);
  p.rect(left, band.y, scene.width - left, band.h, { fill: theme.panel2, fillAlpha: 0.7 });
  const color = row.kind === 'total' ? theme.running : theme.core;
  cpuArea(
    p,
    scene,
    row,
    row.series,
    band,
    row.cpuScale,
    0,
    Infinity,
    cpuStyle(theme, color, metrics.scale),
  );
  if (row.kind !== 'total') return;
  for (let cores = 1; cores * 100 < row.cpuScale; cores++) {
    const y = Math.round(band.y + band.h - ((cores * 100) / row.cpuScale) * band.h) + 0.5;
    p.segments([left, y, scene.width, y], {
      stroke: theme.text,
      lineWidth: 1.25 * metrics.scale,
      dash: [6 * metrics.scale, 4 * metrics.scale],
    });
  }
}

/** Shorter and shorter ways to say how a process ended, for less and less room. */
function exitForms(marker: TimelineMarker): string[] {
  const code = marker.exitCode ?? null;
  const value = marker.value ?? '';
  if (code === null) return [value];
  const brief = code < 0 ? `${signedCode(code)} ${signalName(-code) ?? ''}`.trim() : `exit ${code}`;
  return [value, brief, signedCode(code)];
}

/**
 * The values written beside start and exit markers: how each process ended first (lessons 4
 * and 5 are about nothing else), then what each child was started to run. After the marker if
 * there is room, else before it, right-aligned to it; cut short only as a last resort.
 */
function paintValues(
  p: Painter,
  scene: Scene,
  row: LaneRow,
  markers: readonly TimelineMarker[],
  taken: number[],
): void {
  const { metrics, theme } = scene;
  const band = bar(scene, row);
  const y = band.y + band.h / 2;
  const gap = metrics.marker + 5 * metrics.scale;
  const left = plotLeft(scene);
  const right = scene.width - 4;
  // The lifecycle markers' glyphs stay in sight: text goes around them.
  const glyphs: number[] = [];
  for (const marker of markers)
    if (marker.kind !== 'output') {
      const [x] = markerPoint(scene, row, marker);
      glyphs.push(x - metrics.marker * 1.3, x + metrics.marker * 1.3);
    }
  const free = (x0: number, x1: number) =>
    x0 >= left && x1 <= right && !overlaps(taken, x0, x1, 4) && !overlaps(glyphs, x0, x1, 2);
  /** Right-aligned to `end`, or further left past whatever is in the way; the left edge if so. */
  const leftOf = (end: number, w: number): number | null => {
    let x1 = end;
    for (let tries = 0; tries < 8 && x1 - w >= left; tries++) {
      if (free(x1 - w, x1)) return x1 - w;
      const blockers = [...taken, ...glyphs];
      let next = -Infinity;
      for (let i = 0; i + 1 < blockers.length; i += 2)
        if (x1 - w < (blockers[i + 1] ?? 0) + 4 && x1 > (blockers[i] ?? 0) - 4)
          next = Math.max(next, (blockers[i] ?? 0) - 6);
      if (next === -Infinity || next >= x1) return null;
      x1 = next;
    }
    return null;
  };
  const ordered = [
    ...markers.filter((m) => m.kind === 'exit' && m.value),
    ...markers.filter((m) => m.kind === 'start' && m.value),
  ];
  for (const marker of ordered) {
    const [x] = markerPoint(scene, row, marker);
    if (x < left - 400 * metrics.scale || x > scene.width + 400 * metrics.scale) continue;
    const failed = marker.kind === 'exit' && (marker.exitCode ?? 0) !== 0;
    const style = text(scene, failed ? theme.error : theme.text, { weight: 700 });
    const width = (form: string) => p.measure(form, style);
    const at = (form: string): number | null =>
      free(x + gap, x + gap + width(form)) ? x + gap : leftOf(x - gap, width(form));
    let forms: string[];
    if (marker.kind === 'exit') {
      // Readable words before a bare number: "exit 0" before the marker beats "0" after it.
      const [value = '', brief = value, code = brief] = exitForms(marker);
      const after = [`Terminated · ${value}`, value, brief].find((form) =>
        free(x + gap, x + gap + width(form)),
      );
      forms = after ? [after] : [value, brief, code];
    } else {
      const value = marker.value ?? '';
      const room = Math.max(right - x - gap, x - gap - left);
      forms = [value, fitText(measurer(p), value, room, style)].filter((form) => form.length >= 6);
    }
    for (const form of forms) {
      const x0 = at(form);
      if (x0 === null) continue;
      laneText(p, scene, form, x0, y, style, taken);
      break;
    }
  }
}

/** What each message carried, written where it was sent from. */
function paintSendValues(p: Painter, scene: Scene, row: LaneRow, taken: number[]): void {
  const sends = row.content?.sends ?? [];
  if (sends.length === 0) return;
  const { metrics, theme, window } = scene;
  const offset = runOf(scene, row).offset;
  const band = bar(scene, row);
  const style = text(scene, theme.accent, { size: metrics.small, weight: 600 });
  const from = lowerBound(sends, window.start + offset - 1, (arrow) => arrow.t0);
  let lastX = -Infinity;
  for (let i = from; i < sends.length; i++) {
    const arrow = sends[i];
    if (!arrow?.value) continue;
    if (arrow.t0 - offset > window.end) break;
    const x = xAt(scene, row, arrow.t0) + 4 * metrics.scale;
    if (x < lastX) continue;
    const room = Math.min(200 * metrics.scale, scene.width - 4 - x);
    const value =
      shortened(p, arrow.value, room, style) ?? fitText(measurer(p), arrow.value, room, style);
    const w = p.measure(value, style);
    if (value.length < 2 || overlaps(taken, x, x + w, 4)) continue;
    laneText(p, scene, value, x, band.y + band.h * 0.3, style, taken);
    lastX = x + w;
  }
}

function paintMarkers(
  p: Painter,
  scene: Scene,
  row: LaneRow,
  markers: readonly TimelineMarker[],
  taken: number[],
): void {
  const { window, metrics, theme } = scene;
  const offset = runOf(scene, row).offset;
  const reach = ((metrics.marker * 2) / plotWidth(scene)) * (window.end - window.start);
  const ticks: number[] = [];
  const lastX = new Map<string, number>();
  const from = lowerBound(markers, window.start + offset - reach, (m) => m.t);
  for (let i = from; i < markers.length; i++) {
    const marker = markers[i] as TimelineMarker;
    if (marker.t - offset > window.end + reach) break;
    const [x, y] = markerPoint(scene, row, marker);
    // Thousands of markers on one pixel column draw as one.
    if (Math.abs(x - (lastX.get(marker.kind) ?? -Infinity)) < 1) continue;
    lastX.set(marker.kind, x);
    if (marker.kind !== 'output') {
      drawMarker(p, scene, marker, x, y, metrics.marker);
      continue;
    }
    ticks.push(x, y - 5 * metrics.scale, x, y + 5 * metrics.scale);
    const next = markers[i + 1];
    outputLabel(
      p,
      scene,
      row,
      marker,
      x,
      next ? markerPoint(scene, row, next)[0] : Infinity,
      taken,
    );
  }
  if (ticks.length > 0) p.segments(ticks, { stroke: theme.text, lineWidth: 2 * metrics.scale });
}

/**
 * What a process printed, written next to its tick when there is room before the next marker
 * and no other label there: read along a lane, the output tells the program's story.
 */
function outputLabel(
  p: Painter,
  scene: Scene,
  row: LaneRow,
  marker: TimelineMarker,
  x: number,
  nextX: number,
  taken: number[],
): void {
  const style = text(scene, scene.theme.muted, { italic: true });
  const line = marker.detail.split('\n').find((part) => part.trim() !== '');
  if (line === undefined) return;
  const value = `“${line}”`;
  const x0 = x + 5 * scene.metrics.scale;
  const x1 = x0 + p.measure(value, style);
  if (x1 + 8 * scene.metrics.scale > nextX || x0 < plotLeft(scene)) return;
  if (overlaps(taken, x0, x1, 6)) return;
  taken.push(x0, x1);
  const band = bar(scene, row);
  p.text(value, x0, band.y + band.h / 2, style);
}

/** One shape per kind, outlined in the panel colour so it stands out on any span. */
export function drawMarker(
  p: Painter,
  scene: Pick<Scene, 'theme' | 'metrics'>,
  marker: Pick<TimelineMarker, 'kind' | 'alive'>,
  x: number,
  y: number,
  r: number,
): void {
  const { theme, metrics } = scene;
  const halo = { stroke: theme.panel, lineWidth: 2 * metrics.scale };
  const glyph = (value: string, color = theme.onSolid) =>
    p.text(value, x, y + r * 0.12, {
      size: Math.round(r * 1.3),
      color,
      weight: 700,
      align: 'center',
    });
  switch (marker.kind) {
    case 'start':
      p.poly(
        [x - r * 0.7, y - r, x + r, y, x - r * 0.7, y + r],
        { fill: theme.running, ...halo },
        true,
      );
      break;
    case 'is-alive':
      p.circle(x, y, r * 0.8, {
        fill: marker.alive ? theme.text : theme.panel,
        stroke: theme.text,
        lineWidth: 2 * metrics.scale,
      });
      break;
    case 'terminate':
      p.rect(x - r, y - r, r * 2, r * 2, { fill: theme.error, ...halo });
      break;
    case 'kill': {
      const d = r * 1.2;
      const cross = [x - d, y - d, x + d, y + d, x - d, y + d, x + d, y - d];
      // A wide stroke in the panel colour under the red one: a halo, as the other shapes have.
      p.segments(cross, { stroke: theme.panel, lineWidth: 6 * metrics.scale });
      p.segments(cross, { stroke: theme.error, lineWidth: 3.5 * metrics.scale });
      break;
    }
    case 'close':
      p.circle(x, y, r * 0.8, {
        fill: theme.panel,
        stroke: theme.muted,
        lineWidth: 2 * metrics.scale,
      });
      p.segments([x - r * 0.55, y + r * 0.55, x + r * 0.55, y - r * 0.55], {
        stroke: theme.muted,
        lineWidth: 2 * metrics.scale,
      });
      break;
    case 'exit':
      p.rect(x - 1.5 * metrics.scale, y - r * 1.3, 3 * metrics.scale, r * 2.6, {
        fill: theme.text,
      });
      break;
    case 'exception':
      p.poly(
        [x, y - r * 1.25, x + r * 1.25, y, x, y + r * 1.25, x - r * 1.25, y],
        { fill: theme.error, ...halo },
        true,
      );
      glyph('!');
      break;
    case 'api-error':
    case 'warning':
      p.poly(
        [x, y - r * 1.2, x + r * 1.2, y + r, x - r * 1.2, y + r],
        { fill: marker.kind === 'warning' ? theme.waiting : theme.error, ...halo },
        true,
      );
      glyph('!');
      break;
    case 'script-end':
      p.segments([x, y - r * 1.6, x, y + r * 1.6], {
        stroke: theme.text,
        lineWidth: 2 * metrics.scale,
      });
      p.poly(
        [x, y - r * 1.6, x + r * 1.3, y - r * 1.05, x, y - r * 0.5],
        { fill: theme.text },
        true,
      );
      break;
    case 'output':
      p.segments([x, y - r, x, y + r], { stroke: theme.muted, lineWidth: 1.5 * metrics.scale });
      break;
  }
}

/** A span's look in a box of its own, for the legend. */
export function spanSwatch(
  p: Painter,
  scene: Pick<Scene, 'theme' | 'metrics'>,
  kind: TimelineSpan['kind'],
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  const [from, size] = spanBand(kind, 'process');
  p.rect(x, y + h * from, w, h * size, spanStyle(kind, scene.theme, scene.metrics.scale));
}

/** A CPU graph's look, for the legend: the run's (green) or a core's (sky blue). */
export function cpuSwatch(
  p: Painter,
  scene: Pick<Scene, 'theme' | 'metrics'>,
  which: 'run' | 'core',
  x: number,
  y: number,
  w: number,
  h: number,
): void {
  const { theme, metrics } = scene;
  const color = which === 'run' ? theme.running : theme.core;
  const style = cpuStyle(theme, color, metrics.scale);
  const levels = [0.35, 0.8, 0.55, 1];
  const points: number[] = [x, y + h];
  levels.forEach((level, i) => {
    const top = y + h - level * h;
    points.push(x + (i * w) / levels.length, top, x + ((i + 1) * w) / levels.length, top);
  });
  points.push(x + w, y + h);
  p.poly(points, { ...style, stroke: undefined }, true);
  p.rect(x, y, w, h, { stroke: theme.muted, lineWidth: 1 });
}

function arrowHead(
  p: Painter,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  size: number,
  color: string,
): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  const spread = 0.45;
  p.poly(
    [
      x1,
      y1,
      x1 - size * Math.cos(angle - spread),
      y1 - size * Math.sin(angle - spread),
      x1 - size * Math.cos(angle + spread),
      y1 - size * Math.sin(angle + spread),
    ],
    { fill: color },
    true,
  );
}

function paintArrows(p: Painter, scene: Scene): void {
  const { theme, metrics, window } = scene;
  const top = rowsTop(scene);
  scene.runs.forEach((run, index) => {
    for (const arrow of run.layout.arrows) {
      const t0 = arrow.t0 - run.offset;
      const t1 = arrow.t1 - run.offset;
      if (Math.max(t0, t1) < window.start || Math.min(t0, t1) > window.end) continue;
      const ends = arrowEnds(scene, index, arrow);
      if (!ends) continue;
      const [x0, y0, x1, y1] = ends;
      if (Math.max(y0, y1) < top || Math.min(y0, y1) > scene.height) continue;
      const style: ShapeStyle =
        arrow.kind === 'ipc'
          ? { stroke: theme.accent, lineWidth: 2 * metrics.scale }
          : arrow.kind === 'task'
            ? {
                stroke: theme.task,
                lineWidth: 1.75 * metrics.scale,
                dash: [4 * metrics.scale, 3 * metrics.scale],
              }
            : arrow.kind === 'signal'
              ? { stroke: theme.error, lineWidth: 2.5 * metrics.scale }
              : {
                  stroke: theme.muted,
                  lineWidth: 1 * metrics.scale,
                  dash: [2 * metrics.scale, 3 * metrics.scale],
                };
      p.poly([x0, y0, x1, y1], style);
      arrowHead(
        p,
        x0,
        y0,
        x1,
        y1,
        (arrow.kind === 'start' ? 6 : 9) * metrics.scale,
        style.stroke ?? theme.text,
      );
    }
  });
}

/** The rows of one run, from the first to the last: where its own vertical lines go. */
function runExtent(scene: Scene, run: number): [number, number] {
  const rows = scene.rows.list.filter((row) => row.run === run && !row.pinned);
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return [rowsTop(scene), scene.height];
  const top = scene.runs.length > 1 ? rowY(scene, first) : rowsTop(scene);
  return [top, rowY(scene, last) + last.height];
}

function paintTimeLines(p: Painter, scene: Scene): void {
  const { theme, metrics, height } = scene;
  const top = rowsTop(scene);
  // The moment the main module finished, across every lane: without join() the children are
  // plainly still running there.
  scene.runs.forEach((run, index) => {
    const [from, to] = runExtent(scene, index);
    for (const marker of run.layout.markers) {
      if (marker.kind !== 'script-end') continue;
      const x = xOf(scene, marker.t - run.offset);
      const bottom = scene.runs.length > 1 ? to : height;
      p.segments([x, Math.max(from, top), x, bottom], {
        stroke: theme.text,
        lineWidth: 1.25 * metrics.scale,
        dash: [6 * metrics.scale, 4 * metrics.scale],
      });
      const label = `script finished at ${formatMicros(marker.t - run.offset)}`;
      const style = text(scene, theme.text);
      const w = p.measure(label, style) + 6 * metrics.scale;
      const below = to + 16 * metrics.scale;
      // Beside the line, on whichever side has room; not at all once the line is out of view.
      if (
        scene.runs.length === 1 &&
        below < height - metrics.font &&
        x >= plotLeft(scene) &&
        x <= scene.width
      )
        p.text(label, x + w < scene.width ? x + 6 * metrics.scale : x - w, below, style);
    }
  });
  if (scene.cursor !== null) {
    const x = xOf(scene, scene.cursor);
    p.rect(x, top, scene.width - x, height - top, { fill: theme.panel, fillAlpha: 0.6 });
    p.segments([x, top, x, height], { stroke: theme.accent, lineWidth: 2 * metrics.scale });
  } else if (scene.live) {
    const run = scene.runs.find((r) => !r.layout.ended);
    if (!run) return;
    const x = xOf(scene, run.now - run.offset);
    p.segments([x, top, x, height], {
      stroke: theme.accent,
      lineWidth: 1.5 * metrics.scale,
      dash: [4 * metrics.scale, 3 * metrics.scale],
    });
  }
}

function paintHover(p: Painter, scene: Scene): void {
  const hover = scene.hover;
  const outline = { stroke: scene.theme.text, lineWidth: 2 * scene.metrics.scale };
  if (hover?.kind === 'span') {
    const box = spanBox(scene, hover.row, hover.span);
    p.rect(box.x, box.y, box.w, box.h, outline);
  } else if (hover?.kind === 'marker') {
    const [x, y] = markerPoint(scene, hover.row, hover.marker);
    p.circle(x, y, scene.metrics.marker * 1.7, outline);
  }
}

/** The gutter's label of a row as it is drawn, for the painter and for the e2e hook. */
export function rowLabel(scene: Scene, row: LaneRow | CpuRow, measure: Measure): Label {
  return layOut(row, scene.metrics, scene.metrics.labelWidth, measure, scene.theme);
}

function paintLabels(p: Painter, scene: Scene, regions: [Row[], number, number][]): void {
  const { theme, metrics, height } = scene;
  const width = metrics.labelWidth;
  for (const [list, y, h] of regions)
    p.clipped(0, y, width, h, () => {
      for (const row of list) if (row.kind !== 'run') paintRowLabel(p, scene, row);
    });
  p.segments([width - 0.5, scene.top, width - 0.5, height], { stroke: theme.line, lineWidth: 1 });
  // Run headers span the gutter and the plot: drawn last, over both.
  const [scrolled, y, h] = regions[0] ?? [[], 0, 0];
  p.clipped(0, y, scene.width, h, () => {
    for (const row of scrolled) if (row.kind === 'run') runHeader(p, scene, row);
  });
}

function paintRowLabel(p: Painter, scene: Scene, row: LaneRow | CpuRow): void {
  const { theme, metrics } = scene;
  const top = rowY(scene, row);
  if (row.kind === 'lane' && rowSelected(scene, row))
    p.rect(0, top, 3 * metrics.scale, row.height, { fill: theme.accent });
  const foldable = row.kind === 'lane' ? row.threads > 0 : row.kind === 'total' && row.core > 0;
  if (foldable) {
    const depth = row.kind === 'lane' ? row.lane.depth : 0;
    const s = metrics.font * 0.32;
    const cx = 8 * metrics.scale + metrics.indent * depth + s;
    const y = top + Math.min(row.height / 2, metrics.font * 0.9 + 2);
    p.poly(
      row.collapsed
        ? [cx - s * 0.6, y - s, cx + s * 0.8, y, cx - s * 0.6, y + s]
        : [cx - s, y - s * 0.6, cx + s, y - s * 0.6, cx, y + s * 0.8],
      { fill: theme.muted },
      true,
    );
  }
  for (const line of rowLabel(scene, row, measurer(p)).lines)
    p.text(line.text, line.x, top + line.dy, line.style);
  paintScale(p, scene, row);
}

/** The scale of a row's CPU graph, at the gutter's right edge: 0 to 100 % of one core (or more). */
function paintScale(p: Painter, scene: Scene, row: LaneRow | CpuRow): void {
  if (row.kind === 'lane' && !row.content?.cpu.length) return;
  if (row.kind !== 'lane' && row.series.length === 0) return;
  const { theme, metrics } = scene;
  const band = bar(scene, row);
  const x = metrics.labelWidth - 6 * metrics.scale;
  const tick = 4 * metrics.scale;
  const style = scaleStyle(metrics, theme.muted);
  const yOf = (percent: number) => band.y + band.h - (percent / row.cpuScale) * band.h;
  const marks = [x, band.y, x, band.y + band.h, x - tick, band.y, x, band.y];
  marks.push(x - tick, band.y + band.h, x, band.y + band.h);
  const labels: [string, number][] = [];
  if (row.kind === 'total') {
    // "1 core" first: the line that two threads under the GIL cannot rise above.
    const cores = row.cpuScale / 100;
    if (cores > 1) {
      labels.push(['1 core', yOf(100)]);
      marks.push(x - tick, yOf(100), x, yOf(100));
    }
    labels.push([cores === 1 ? '1 core' : `${row.cpuScale}%`, band.y]);
  } else if (row.kind === 'lane' || row.core === 0) labels.push([`${row.cpuScale}%`, band.y]);
  p.segments(marks, { stroke: theme.muted, lineWidth: 1 });
  // A label needs a line of room, or it would spill onto the next row; none overlap.
  const top = rowY(scene, row);
  const placed: number[] = [];
  for (const [value, y] of labels) {
    const at = Math.min(Math.max(y, top + style.size * 0.5), top + row.height - style.size * 0.5);
    // Moved far from its tick, a label would name the wrong level: then it is left out.
    if (Math.abs(at - y) > style.size * 0.4) continue;
    if (placed.some((other) => Math.abs(other - at) < style.size)) continue;
    p.text(value, x - tick - 3 * metrics.scale, at, style);
    placed.push(at);
  }
}

function runHeader(p: Painter, scene: Scene, row: RunRow): void {
  const { theme, metrics } = scene;
  const run = runOf(scene, row);
  const y = rowY(scene, row) + row.height / 2;
  const title = text(scene, theme.text, { weight: 700 });
  const figureStyle = text(scene, theme.text, { weight: 600 });
  const x = 8 * metrics.scale;
  const wallWidth = run.figure ? p.measure(run.figure, figureStyle) : 0;
  const room = scene.width - x - wallWidth - 24 * metrics.scale;
  const name = fitText(measurer(p), run.title, room, title);
  p.text(name, x, y, title);
  if (run.figure)
    p.text(run.figure, x + p.measure(name, title) + 16 * metrics.scale, y, figureStyle);
}

function paintAxis(p: Painter, scene: Scene, ticks: { step: number; ticks: number[] }): void {
  const { theme, metrics, width } = scene;
  const h = metrics.axisHeight;
  const top = scene.top;
  const left = plotLeft(scene);
  p.rect(0, top, width, h, { fill: theme.panel });
  p.segments([0, top + h - 0.5, width, top + h - 0.5], { stroke: theme.line, lineWidth: 1 });
  const heading = scene.runs.length > 1 ? 'Compared runs' : 'Processes and threads';
  p.text(
    fitText(measurer(p), heading, left - 12 * metrics.scale, text(scene, theme.muted)) || '',
    8 * metrics.scale,
    top + h / 2,
    text(scene, theme.muted),
  );
  p.clipped(left, top, width - left, h, () => {
    const marks: number[] = [];
    const style = text(scene, theme.muted);
    const live = scene.runs.find((r) => !r.layout.ended);
    const now =
      scene.cursor !== null
        ? { t: scene.cursor, label: formatTick(scene.cursor, ticks.step / 10) }
        : scene.live && live
          ? { t: live.now - live.offset, label: 'now' }
          : null;
    const box = now ? chipBox(p, scene, now.t, now.label) : null;
    for (const t of ticks.ticks) {
      const x = Math.round(xOf(scene, t)) + 0.5;
      marks.push(x, top + h - 6 * metrics.scale, x, top + h);
      const label = formatTick(t, ticks.step);
      const x0 = x + 4 * metrics.scale;
      const x1 = x0 + p.measure(label, style);
      // A label cut at the right edge ("4…" of "40 s") reads as a different number, and one
      // half under the chip ("now1 s") as none.
      if (x1 > width || (box && x0 < box.x + box.w + 2 && x1 > box.x - 2)) continue;
      p.text(label, x0, top + h / 2 - 1, style);
    }
    p.segments(marks, { stroke: theme.muted, lineWidth: 1 });
    if (now && box) {
      p.rect(box.x, box.y, box.w, box.h, { fill: theme.accent });
      p.text(now.label, box.x + box.w / 2, box.y + box.h / 2, chipStyle(scene));
    }
  });
}

const chipStyle = (scene: Scene): TextStyle =>
  text(scene, scene.theme.onSolid, { weight: 600, align: 'center' });

/** Where the filled label of the replay cursor or the present goes on the axis. */
function chipBox(p: Painter, scene: Scene, t: number, label: string) {
  const { metrics } = scene;
  const w = p.measure(label, chipStyle(scene)) + 12 * metrics.scale;
  const h = metrics.axisHeight - 6 * metrics.scale;
  const x = Math.min(Math.max(xOf(scene, t), plotLeft(scene) + w / 2), scene.width - w / 2);
  return { x: x - w / 2, y: scene.top + 3 * metrics.scale, w, h };
}
