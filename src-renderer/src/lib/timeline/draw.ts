// Paints a Scene with any Painter: the screen's canvas, the PNG export, the SVG export.
//
// Visual language (Okabe–Ito colours, and never colour alone):
//   New        blue, dashed outline: the object exists, its OS process does not yet
//   Running    green, solid outline; CPU use rises inside it as a darker area
//   Exiting    green outline only: the script is done, the interpreter waits for children
//   Waiting    orange with stripes: a join() the thread is blocked in
//   Terminated grey, a thin band with the exit code written on it
// Markers each have their own shape: ▶ start, ●/○ is_alive True/False, ■ terminate, ✕ kill,
// ◆ exception, ▲ API misuse, ⚑ script finished, ticks for output lines.

import type { TimelineMarker, TimelineSpan } from './layout';
import type { Painter, ShapeStyle, TextStyle } from './painter';
import {
  arrowEnds,
  bar,
  lowerBound,
  markerPoint,
  plotLeft,
  plotWidth,
  rowY,
  sampleAt,
  spanBand,
  spanBox,
  visibleRows,
  xOf,
  type Row,
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
      return { fill: theme.running, fillAlpha: tint(0.2), stroke: theme.running, lineWidth: w };
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

export function paint(p: Painter, scene: Scene): void {
  const { theme, metrics, width, height } = scene;
  p.rect(0, 0, width, height, { fill: theme.panel });
  const rows = visibleRows(scene);
  const left = plotLeft(scene);
  const top = metrics.axisHeight;
  const ticks = chooseTicks(
    scene.window.start,
    scene.window.end,
    plotWidth(scene),
    120 * metrics.scale,
  );

  p.clipped(0, top, width, height - top, () => {
    for (const row of rows) rowBackground(p, scene, row);
  });
  p.clipped(left, top, width - left, height - top, () => {
    const grid: number[] = [];
    for (const t of ticks.ticks) {
      const x = Math.round(xOf(scene, t)) + 0.5;
      grid.push(x, top, x, height);
    }
    p.segments(grid, { stroke: theme.line, lineWidth: 1 });
    for (const row of rows) paintRow(p, scene, row);
    paintArrows(p, scene);
    paintTimeLines(p, scene);
    paintHover(p, scene);
  });
  paintLabels(p, scene, rows);
  paintAxis(p, scene, ticks);
}

function rowBackground(p: Painter, scene: Scene, row: Row): void {
  const { theme, width } = scene;
  const y = rowY(scene, row);
  if (row.lane.kind === 'process')
    p.rect(0, y, width, row.height, { fill: theme.panel2, fillAlpha: 0.55 });
  if (row.lane.id === scene.selected)
    p.rect(0, y, width, row.height, { fill: theme.accent, fillAlpha: 0.12 });
  if (row.lane.kind === 'process' && row.top > 0)
    p.segments([0, y + 0.5, width, y + 0.5], { stroke: theme.line, lineWidth: 1 });
}

function text(scene: Scene, color: string, extra: Partial<TextStyle> = {}): TextStyle {
  return { size: scene.metrics.font, color, ...extra };
}

/** Longest prefix of `value` that fits in `room` px, with an ellipsis when cut. */
function fit(p: Painter, value: string, room: number, style: TextStyle): string {
  if (p.measure(value, style) <= room) return value;
  let lo = 0;
  let hi = value.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.measure(`${value.slice(0, mid)}…`, style) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${value.slice(0, lo)}…`;
}

function paintRow(p: Painter, scene: Scene, row: Row): void {
  const content = scene.layout.content.get(row.lane.id);
  if (!content) return;
  const { start, end } = scene.window;
  const visible = content.spans.filter(
    (span) => span.start <= end && (span.end ?? scene.now) >= start,
  );
  for (const span of visible) if (BASE_KINDS.has(span.kind)) paintSpan(p, scene, row, span);
  paintCpu(p, scene, row);
  for (const span of visible) if (!BASE_KINDS.has(span.kind)) paintSpan(p, scene, row, span);
  // Where labels already are (x0, x1 pairs), so output lines are written only where free.
  const taken: number[] = [];
  for (const span of visible) spanLabel(p, scene, row, span, taken);
  paintMarkers(p, scene, row, content.markers, taken);
}

function paintSpan(p: Painter, scene: Scene, row: Row, span: TimelineSpan): void {
  const box = spanBox(scene, row, span);
  p.rect(box.x, box.y, box.w, box.h, spanStyle(span.kind, scene.theme, scene.metrics.scale));
}

function spanLabel(p: Painter, scene: Scene, row: Row, span: TimelineSpan, taken: number[]): void {
  const box = spanBox(scene, row, span);
  const band = bar(scene, row);
  const thin = box.h < scene.metrics.font + 2;
  // Thin bands (a thread's life, a terminated process) carry no label of their own unless
  // nothing else is drawn there; their name is in the lane label and the tooltip.
  if (thin && span.kind !== 'terminated') return;
  const terminated = span.kind === 'terminated';
  const style = text(scene, terminated ? scene.theme.muted : scene.theme.text, {
    weight: span.kind === 'running' || span.kind === 'new' ? 600 : 400,
  });
  // Keep the label in view while the span starts off the left edge ("sticky" labels).
  const x0 = Math.max(box.x, plotLeft(scene)) + 6 * scene.metrics.scale;
  const room = box.x + box.w - x0 - 4;
  const label = fit(p, span.label, room, style);
  // "Ru…" says nothing: a label is either readable or left to the tooltip.
  if (label !== span.label && label.length < 5) return;
  const y = band.y + band.h / 2;
  const w = p.measure(label, style);
  taken.push(x0, x0 + w);
  if (terminated) {
    // A backing strip under the text so the thin band does not strike through it.
    p.rect(x0 - 3, y - style.size * 0.6, w + 6, style.size * 1.2, {
      fill: scene.theme.panel,
      fillAlpha: 0.85,
    });
  }
  p.text(label, x0, y, style);
}

/** CPU use as a step area rising from the bottom of the bar; 100% of one core fills it. */
function paintCpu(p: Painter, scene: Scene, row: Row): void {
  const content = scene.layout.content.get(row.lane.id);
  const series = content?.cpu ?? [];
  const running = content?.spans.find((span) => span.kind === 'running');
  if (series.length === 0 || !running) return;
  // The chart fills the band of the lane's Running span (a thread's is slimmer), and starts
  // with it: a sample's interval can reach back to before the process or thread existed.
  const box = spanBox(scene, row, running);
  const base = box.y + box.h;
  const born = xOf(scene, running.start);
  const outline: number[] = [];
  let lastX = -Infinity;
  let stepX = -Infinity;
  for (let i = sampleAt(series, scene.window.start) * 3; i + 2 < series.length; i += 3) {
    const start = Math.max(series[i] ?? 0, running.start);
    if (start > scene.window.end) break;
    const x1 = Math.max(xOf(scene, series[i + 1] ?? 0), born);
    const y = base - (Math.min(series[i + 2] ?? 0, 100) / 100) * box.h;
    const n = outline.length;
    if (n >= 4 && x1 - stepX < 1) {
      // Samples narrower than a pixel share one step, as tall as the busiest of them.
      const top = Math.min(outline[n - 1] ?? y, y);
      outline[n - 1] = outline[n - 3] = top;
      outline[n - 2] = x1;
    } else {
      const x0 = Math.max(xOf(scene, start), lastX);
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
  p.poly(outline, { fill: scene.theme.running, fillAlpha: 0.5 }, true);
}

function paintMarkers(
  p: Painter,
  scene: Scene,
  row: Row,
  markers: readonly TimelineMarker[],
  taken: number[],
): void {
  const { window, metrics, theme } = scene;
  const reach = ((metrics.marker * 2) / plotWidth(scene)) * (window.end - window.start);
  const ticks: number[] = [];
  const lastX = new Map<string, number>();
  const from = lowerBound(markers, window.start - reach, (m) => m.t);
  for (let i = from; i < markers.length; i++) {
    const marker = markers[i] as TimelineMarker;
    if (marker.t > window.end + reach) break;
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
  row: Row,
  marker: TimelineMarker,
  x: number,
  nextX: number,
  taken: number[],
): void {
  const style = text(scene, scene.theme.muted, { italic: true });
  const value = `“${marker.detail.split('\n', 1)[0] ?? ''}”`;
  const x0 = x + 5 * scene.metrics.scale;
  const x1 = x0 + p.measure(value, style);
  if (x1 + 8 * scene.metrics.scale > nextX || x0 < plotLeft(scene)) return;
  for (let i = 0; i + 1 < taken.length; i += 2)
    if (x0 < (taken[i + 1] ?? 0) + 6 && x1 > (taken[i] ?? 0) - 6) return;
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
      p.rect(x - r * 0.8, y - r * 0.8, r * 1.6, r * 1.6, { fill: theme.error, ...halo });
      break;
    case 'kill':
      p.segments([x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r], {
        stroke: theme.panel,
        lineWidth: 5 * metrics.scale,
      });
      p.segments([x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r], {
        stroke: theme.error,
        lineWidth: 3 * metrics.scale,
      });
      break;
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
  const top = scene.metrics.axisHeight;
  for (const arrow of scene.layout.arrows) {
    if (Math.max(arrow.t0, arrow.t1) < window.start || Math.min(arrow.t0, arrow.t1) > window.end)
      continue;
    const ends = arrowEnds(scene, arrow);
    if (!ends) continue;
    const [x0, y0, x1, y1] = ends;
    if (Math.max(y0, y1) < top || Math.min(y0, y1) > scene.height) continue;
    const style: ShapeStyle =
      arrow.kind === 'ipc'
        ? { stroke: theme.accent, lineWidth: 1.75 * metrics.scale }
        : arrow.kind === 'task'
          ? {
              stroke: theme.task,
              lineWidth: 1.75 * metrics.scale,
              dash: [4 * metrics.scale, 3 * metrics.scale],
            }
          : arrow.kind === 'signal'
            ? { stroke: theme.error, lineWidth: 2 * metrics.scale }
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
      (arrow.kind === 'start' ? 6 : 8) * metrics.scale,
      style.stroke ?? theme.text,
    );
  }
}

function paintTimeLines(p: Painter, scene: Scene): void {
  const { theme, metrics, height } = scene;
  const top = metrics.axisHeight;
  // The moment the main module finished, across every lane: without join() the children are
  // plainly still running there.
  const below = top + scene.rows.total - scene.scrollY + 16 * metrics.scale;
  for (const marker of scene.layout.markers)
    if (marker.kind === 'script-end') {
      const x = xOf(scene, marker.t);
      p.segments([x, top, x, height], {
        stroke: theme.text,
        lineWidth: 1.25 * metrics.scale,
        dash: [6 * metrics.scale, 4 * metrics.scale],
      });
      const label = `script finished at ${formatMicros(marker.t)}`;
      const style = text(scene, theme.text);
      const w = p.measure(label, style) + 6 * metrics.scale;
      // Beside the line, on whichever side has room; not at all once the line is out of view.
      if (below < height - metrics.font && x >= plotLeft(scene) && x <= scene.width)
        p.text(label, x + w < scene.width ? x + 6 * metrics.scale : x - w, below, style);
    }
  if (scene.cursor !== null) {
    const x = xOf(scene, scene.cursor);
    p.rect(x, top, scene.width - x, height - top, { fill: theme.panel, fillAlpha: 0.6 });
    p.segments([x, top, x, height], { stroke: theme.accent, lineWidth: 2 * metrics.scale });
  } else if (scene.live && !scene.layout.ended) {
    const x = xOf(scene, scene.now);
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

function paintLabels(p: Painter, scene: Scene, rows: readonly Row[]): void {
  const { theme, metrics, height } = scene;
  const width = metrics.labelWidth;
  const top = metrics.axisHeight;
  p.clipped(0, top, width, height - top, () => {
    for (const row of rows) rowLabel(p, scene, row);
  });
  p.segments([width - 0.5, 0, width - 0.5, height], { stroke: theme.line, lineWidth: 1 });
}

function rowLabel(p: Painter, scene: Scene, row: Row): void {
  const { theme, metrics } = scene;
  const { lane } = row;
  const y = rowY(scene, row) + row.height / 2;
  const isProcess = lane.kind === 'process';
  const x = 8 * metrics.scale + metrics.indent * (lane.depth + (isProcess ? 0 : 1));
  if (row.lane.id === scene.selected)
    p.rect(0, rowY(scene, row), 3 * metrics.scale, row.height, { fill: theme.accent });
  if (row.threads > 0) {
    const s = metrics.font * 0.32;
    const cx = x + s;
    p.poly(
      row.collapsed
        ? [cx - s * 0.6, y - s, cx + s * 0.8, y, cx - s * 0.6, y + s]
        : [cx - s, y - s * 0.6, cx + s, y - s * 0.6, cx, y + s * 0.8],
      { fill: theme.muted },
      true,
    );
  }
  const idStyle = text(scene, theme.muted, { align: 'right' });
  const id = isProcess
    ? lane.pid === null
      ? 'no pid'
      : `pid ${lane.pid}`
    : lane.tid === null
      ? ''
      : `tid ${lane.tid}`;
  const right = metrics.labelWidth - 8 * metrics.scale;
  const idWidth = id ? p.measure(id, idStyle) : 0;
  const nameX = x + (isProcess ? metrics.indent : 0);
  const nameStyle = text(scene, lane.internal ? theme.muted : theme.text, {
    weight: isProcess ? 600 : 400,
    italic: lane.internal,
  });
  const name = fit(p, lane.name, right - idWidth - 8 * metrics.scale - nameX, nameStyle);
  p.text(name, nameX, y, nameStyle);
  if (id) p.text(id, right, y, idStyle);
}

function paintAxis(p: Painter, scene: Scene, ticks: { step: number; ticks: number[] }): void {
  const { theme, metrics, width } = scene;
  const h = metrics.axisHeight;
  const left = plotLeft(scene);
  p.rect(0, 0, width, h, { fill: theme.panel });
  p.segments([0, h - 0.5, width, h - 0.5], { stroke: theme.line, lineWidth: 1 });
  p.text('Processes and threads', 8 * metrics.scale, h / 2, text(scene, theme.muted));
  p.clipped(left, 0, width - left, h, () => {
    const marks: number[] = [];
    for (const t of ticks.ticks) {
      const x = Math.round(xOf(scene, t)) + 0.5;
      marks.push(x, h - 6 * metrics.scale, x, h);
      p.text(formatTick(t, ticks.step), x + 4 * metrics.scale, h / 2 - 1, text(scene, theme.muted));
    }
    p.segments(marks, { stroke: theme.muted, lineWidth: 1 });
    if (scene.cursor !== null)
      chip(p, scene, scene.cursor, formatTick(scene.cursor, ticks.step / 10));
    else if (scene.live && !scene.layout.ended) chip(p, scene, scene.now, 'now');
  });
}

/** A filled label on the axis for the replay cursor or the present. */
function chip(p: Painter, scene: Scene, t: number, label: string): void {
  const { theme, metrics } = scene;
  const style = text(scene, theme.onSolid, { weight: 600, align: 'center' });
  const w = p.measure(label, style) + 12 * metrics.scale;
  const h = metrics.axisHeight - 6 * metrics.scale;
  const x = Math.min(Math.max(xOf(scene, t), plotLeft(scene) + w / 2), scene.width - w / 2);
  p.rect(x - w / 2, 3 * metrics.scale, w, h, { fill: theme.accent });
  p.text(label, x, 3 * metrics.scale + h / 2, style);
}
