// The Timeline as a document: every lane and the whole time range of the runs, under a title
// and the legend, with no cursor, no hover and no scroll position — whatever part of the run
// the screen shows. 1920 px wide, so it fills a projector; PNGs at twice that in pixels.

import { cpuSwatch, drawMarker, measurer, paint, spanSwatch } from './draw';
import { arrange, type Measure } from './labels';
import { legendFor, type LegendEntry } from './legend';
import { CanvasPainter, SvgPainter, type Painter, type TextStyle } from './painter';
import type { Scene, SceneRun, Theme } from './scene';
import { fit } from './viewport';

export const EXPORT_WIDTH = 1920;
export const PNG_RATIO = 2;
/** Chromium refuses canvases taller or wider than this many pixels. */
const MAX_CANVAS = 32_000;

export interface ExportRequest {
  runs: SceneRun[];
  collapsed: ReadonlySet<string>;
  theme: Theme;
  /** The text scale on screen (classroom's 1.4): the document reads as large. */
  scale: number;
  title: string;
}

export interface ExportDocument {
  scene: Scene;
  title: string;
  subtitle: string;
  legend: LegendEntry[];
}

const PAD = 24;

/** The time range every export shows: each run whole, from where the runs align. */
export function wholeWindow(runs: readonly SceneRun[]) {
  const end = Math.max(0, ...runs.map((run) => run.layout.end - run.offset));
  return fit(end);
}

interface Placed {
  entry: LegendEntry;
  x: number;
  y: number;
  swatch: number;
}

/** The legend's entries in rows across `width`, and the height they take. */
function placeLegend(
  entries: readonly LegendEntry[],
  width: number,
  scale: number,
  style: TextStyle,
  measure: Measure,
): { placed: Placed[]; height: number } {
  const line = Math.round(style.size * 1.7);
  const placed: Placed[] = [];
  let x = PAD;
  let y = 0;
  for (const entry of entries) {
    const swatch = Math.round((entry.span || entry.cpu ? 30 : 18) * scale);
    const w = swatch + 6 * scale + measure(entry.label, style);
    if (x + w > width - PAD && x > PAD) {
      x = PAD;
      y += line;
    }
    placed.push({ entry, x, y, swatch });
    x += w + 20 * scale;
  }
  return { placed, height: entries.length === 0 ? 0 : y + line };
}

/** Lays the document out; `measure` must measure as the painter that will draw it. */
export function documentFor(request: ExportRequest, measure: Measure): ExportDocument {
  const { runs, collapsed, theme, scale } = request;
  const width = EXPORT_WIDTH;
  const { rows, metrics } = arrange(runs, collapsed, scale, width, Infinity, measure, false);
  const legend = legendFor(runs.map((run) => run.layout));
  const s = metrics.scale;
  const legendText = { size: metrics.small, color: theme.muted };
  const { height: legendHeight } = placeLegend(legend, width, s, legendText, measure);
  const top = Math.round(PAD + metrics.font * 1.7 + metrics.small * 1.6 + 10 * s + legendHeight);
  const height = Math.ceil(top + metrics.axisHeight + rows.total + 40 * s);
  const subtitle = [
    ...runs.map((run) => (runs.length > 1 ? `${run.title}: ${run.figure}` : run.figure)),
    `${rows.list.filter((row) => row.kind === 'lane').length} lanes`,
    'Procscope',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    scene: {
      runs,
      rows,
      metrics,
      theme,
      window: wholeWindow(runs),
      width,
      height,
      top,
      scrollY: 0,
      hover: null,
      selected: null,
      cursor: null,
      live: false,
    },
    title: request.title,
    subtitle,
    legend,
  };
}

export function paintDocument(p: Painter, doc: ExportDocument): void {
  const { scene } = doc;
  const { theme, metrics, width } = scene;
  const s = metrics.scale;
  p.rect(0, 0, width, scene.top, { fill: theme.panel });
  const title: TextStyle = { size: Math.round(metrics.font * 1.3), color: theme.text, weight: 700 };
  const sub: TextStyle = { size: metrics.small, color: theme.muted };
  let y = PAD + title.size / 2;
  p.text(doc.title, PAD, y, title);
  y += title.size * 0.8 + sub.size;
  p.text(doc.subtitle, PAD, y, sub);
  y += sub.size + 10 * s;
  const { placed } = placeLegend(doc.legend, width, s, sub, measurer(p));
  const h = Math.round(18 * s);
  for (const { entry, x, y: row, swatch } of placed) {
    const top = y + row;
    if (entry.span) spanSwatch(p, scene, entry.span, x, top, swatch, h);
    else if (entry.cpu) cpuSwatch(p, scene, entry.cpu, x, top + 2, swatch, h - 4);
    else if (entry.marker)
      drawMarker(
        p,
        scene,
        { kind: entry.marker, alive: entry.alive ?? true },
        x + swatch / 2,
        top + h / 2,
        metrics.marker,
      );
    p.text(entry.label, x + swatch + 6 * s, top + h / 2, sub);
  }
  paint(p, scene);
}

/** A measuring function from a throwaway canvas: the SVG's text is laid out as the screen's. */
function canvasMeasure(font: string): Measure {
  const context = document.createElement('canvas').getContext('2d');
  const painter = context ? new CanvasPainter(context, font) : null;
  return (value, style) => painter?.measure(value, style) ?? value.length * style.size * 0.55;
}

export function exportSvg(
  request: ExportRequest,
  measure: Measure = canvasMeasure(request.theme.font),
): string {
  const doc = documentFor(request, measure);
  const svg = new SvgPainter(doc.scene.width, doc.scene.height, request.theme.font, measure);
  paintDocument(svg, doc);
  return svg.toString();
}

/** The PNG, and its size in pixels; null when the browser cannot make a canvas that large. */
export function exportPng(
  request: ExportRequest,
): Promise<{ blob: Blob; width: number; height: number } | null> {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return Promise.resolve(null);
  const painter = new CanvasPainter(context, request.theme.font);
  const doc = documentFor(request, measurer(painter));
  const { width, height } = doc.scene;
  const ratio = Math.min(PNG_RATIO, MAX_CANVAS / height, MAX_CANVAS / width);
  // Below half size a lane's text is a smudge: the SVG is the way for a run that tall.
  if (ratio < 0.5) return Promise.resolve(null);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const fresh = canvas.getContext('2d');
  if (!fresh) return Promise.resolve(null);
  fresh.setTransform(ratio, 0, 0, ratio, 0, 0);
  paintDocument(new CanvasPainter(fresh, request.theme.font), doc);
  return new Promise((resolve) =>
    canvas.toBlob(
      (blob) => resolve(blob ? { blob, width: canvas.width, height: canvas.height } : null),
      'image/png',
    ),
  );
}
