// What the Timeline exposes besides pixels, for end-to-end tests: the laid-out model, and where
// its rows were drawn and whether any label had to be cut — a canvas has no DOM to inspect.

import { rowLabel } from './draw';
import type { Measure } from './labels';
import type {
  CpuSeries,
  TimelineArrow,
  TimelineLane,
  TimelineLayout,
  TimelineMarker,
  TimelineSpan,
} from './layout';
import { rowY, type Scene } from './scene';

export interface DrawnRow {
  kind: 'lane' | 'total' | 'core' | 'run';
  /** Lane name, "All processes", "core 0", or the run's title. */
  name: string;
  /** Index of the run, in stacking order. */
  run: number;
  /** CSS px from the top of the canvas. */
  y: number;
  height: number;
  /** Its label had to be cut short. */
  truncated: boolean;
  /** The smallest text of its label, px. */
  fontSize: number;
}

/** Plain data, times in µs since the (first) run started; replaced whenever it changes. */
export interface TimelineTestHook {
  lanes: TimelineLane[];
  spans: TimelineSpan[];
  markers: TimelineMarker[];
  arrows: TimelineArrow[];
  end: number;
  ended: boolean;
  /** The machine strip: per-core busy % and the run's total, flat start, end, value triples. */
  cores: CpuSeries[];
  totalCpu: CpuSeries;
  runs: { title: string; lanes: number; end: number; ended: boolean }[];
  /** The last frame drawn: canvas size, gutter, and every row (pinned or scrolled). */
  drawn: { width: number; height: number; gutter: number; rows: DrawnRow[] } | null;
}

declare global {
  interface Window {
    /** Read-only view of the last laid-out Timeline, for e2e tests (cheap: shares the arrays). */
    __procscopeTimeline?: TimelineTestHook;
  }
}

export function publishLayouts(
  layouts: readonly TimelineLayout[],
  titles: readonly string[],
): void {
  const first = layouts[0];
  if (!first) return;
  const { lanes, spans, markers, arrows, end, ended, cores, totalCpu } = first;
  window.__procscopeTimeline = {
    lanes,
    spans,
    markers,
    arrows,
    end,
    ended,
    cores,
    totalCpu,
    runs: layouts.map((layout, index) => ({
      title: titles[index] ?? '',
      lanes: layout.lanes.length,
      end: layout.end,
      ended: layout.ended,
    })),
    drawn: window.__procscopeTimeline?.drawn ?? null,
  };
}

/** Where the rows of a frame went; call when the rows or their sizes changed. */
export function publishFrame(scene: Scene, measure: Measure): void {
  const hook = window.__procscopeTimeline;
  if (!hook) return;
  const rows: DrawnRow[] = scene.rows.list.map((row) => {
    const base = { kind: row.kind, run: row.run, y: rowY(scene, row), height: row.height };
    if (row.kind === 'run')
      return {
        ...base,
        name: scene.runs[row.run]?.title ?? '',
        truncated: false,
        fontSize: scene.metrics.font,
      };
    const label = rowLabel(scene, row, measure);
    return {
      ...base,
      name: row.kind === 'lane' ? row.lane.name : (label.lines[0]?.text ?? ''),
      truncated: label.truncated,
      fontSize: Math.min(...label.lines.map((line) => line.style.size)),
    };
  });
  hook.drawn = {
    width: scene.width,
    height: scene.height,
    gutter: scene.metrics.labelWidth,
    rows,
  };
}
