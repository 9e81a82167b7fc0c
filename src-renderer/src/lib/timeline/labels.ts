// The gutter left of the plot: what each row's label says and where its lines go, and how wide
// the gutter must be. Laid out by measuring before anything is drawn, so the gutter is as wide
// as the longest name needs (up to a share of the width) and a name is only cut where neither a
// wider gutter nor a second line could hold it. Painting and the e2e hook read the same layout.

import type { TextStyle } from './painter';
import {
  buildRows,
  fitMetrics,
  metricsFor,
  type CpuRow,
  type LaneRow,
  type Metrics,
  type Row,
  type Rows,
  type SceneRun,
} from './scene';

export type Measure = (text: string, style: TextStyle) => number;

export interface LabelLine {
  text: string;
  /** Left edge, or right edge for right-aligned text. */
  x: number;
  /** Middle of the line, from the top of the row. */
  dy: number;
  style: TextStyle;
}

export interface Label {
  lines: LabelLine[];
  /** Something had to be cut short with an ellipsis. */
  truncated: boolean;
}

/** Everything a row's label says; which parts fit is decided by layOut(). */
interface Parts {
  name: string;
  nameStyle: TextStyle;
  /** Right-aligned on a single line ("pid 4100"), else first of the second line's facts. */
  id: string;
  /** Further facts for the lines below the name ("parent 4099", "2 threads"). */
  facts: string[];
  left: number;
  /** Whether the row has a CPU scale at the gutter's right edge. */
  scale: boolean;
}

const SEPARATOR = ' · ';

function parts(row: LaneRow | CpuRow, metrics: Metrics, color: LabelColors): Parts {
  const s = metrics.scale;
  const base = 8 * s;
  if (row.kind !== 'lane') {
    const total = row.kind === 'total';
    return {
      name: total ? 'All processes' : `core ${row.core}`,
      nameStyle: {
        size: total ? metrics.font : metrics.small,
        color: total ? color.text : color.muted,
        weight: total ? 600 : 400,
      },
      id: '',
      facts:
        total && row.core > 0 ? [`CPU · ${row.core === 1 ? '1 core' : `${row.core} cores`}`] : [],
      left: base + metrics.indent,
      scale: true,
    };
  }
  const { lane } = row;
  const isProcess = lane.kind === 'process';
  const facts: string[] = [];
  if (isProcess) {
    if (lane.ppid !== null) facts.push(`parent ${lane.ppid}`);
    if (row.threads > 0) facts.push(row.threads === 1 ? '1 thread' : `${row.threads} threads`);
  }
  return {
    name: lane.name,
    nameStyle: {
      size: metrics.font,
      color: lane.internal ? color.muted : color.text,
      weight: isProcess ? 600 : 400,
      italic: lane.internal,
    },
    id: isProcess
      ? lane.pid === null
        ? 'not started'
        : `pid ${lane.pid}`
      : lane.tid === null
        ? ''
        : `tid ${lane.tid}`,
    facts,
    left: base + metrics.indent * (lane.depth + 1),
    scale: (row.content?.cpu.length ?? 0) > 0,
  };
}

export interface LabelColors {
  text: string;
  muted: string;
}

/** How many lines of text a row has room for. */
export function lineRoom(row: Row, metrics: Metrics): number {
  return Math.max(1, Math.floor((row.height - 4) / (metrics.font * 1.18)));
}

/** The CPU scale column at the gutter's right edge ("100%", "2 cores"). */
export function scaleColumn(metrics: Metrics, measure: Measure): number {
  const style = scaleStyle(metrics, '#000');
  return Math.max(measure('100%', style), measure('1 core', style)) + 12 * metrics.scale;
}

export function scaleStyle(metrics: Metrics, color: string): TextStyle {
  return { size: metrics.small, color, align: 'right' };
}

/** Longest prefix of `value` that fits in `room` px, with an ellipsis when cut. */
export function fitText(measure: Measure, value: string, room: number, style: TextStyle): string {
  if (measure(value, style) <= room) return value;
  let lo = 0;
  let hi = value.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(`${value.slice(0, mid)}…`, style) <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '' : `${value.slice(0, lo)}…`;
}

/** A name too long for one line, broken after its last separator that fits ("Fork|Pool…"). */
function wrapName(measure: Measure, name: string, room: number, style: TextStyle): string[] {
  for (let cut = name.length - 1; cut > 0; cut--) {
    if (!/[-_. /]/.test(name[cut - 1] ?? '')) continue;
    const head = name.slice(0, cut);
    if (measure(head, style) <= room) return [head, name.slice(cut)];
  }
  return [name];
}

/** The label of one row in a gutter `width` px wide. */
export function layOut(
  row: LaneRow | CpuRow,
  metrics: Metrics,
  width: number,
  measure: Measure,
  colors: LabelColors,
): Label {
  const p = parts(row, metrics, colors);
  const right = width - 8 * metrics.scale - (p.scale ? scaleColumn(metrics, measure) : 0);
  const room = Math.max(0, right - p.left);
  const small: TextStyle = { size: metrics.small, color: colors.muted };
  const lines: LabelLine[] = [];
  let truncated = false;
  const fitted = (value: string, style: TextStyle): string => {
    const cut = fitText(measure, value, room, style);
    if (cut !== value) truncated = true;
    return cut;
  };
  const available = lineRoom(row, metrics);
  if (available === 1 || (p.id === '' && p.facts.length === 0)) {
    const name = p.name;
    const nameWidth = measure(name, p.nameStyle);
    const idWidth = p.id ? measure(p.id, small) : 0;
    const gap = 10 * metrics.scale;
    const withId = p.id !== '' && nameWidth + gap + idWidth <= room;
    lines.push({
      text: fitted(name, p.nameStyle),
      x: p.left,
      dy: row.height / 2,
      style: p.nameStyle,
    });
    if (withId)
      lines.push({ text: p.id, x: right, dy: row.height / 2, style: { ...small, align: 'right' } });
    return { lines, truncated };
  }
  // Name first (on two lines if it needs them and there is room), then the facts.
  let nameLines = [p.name];
  if (measure(p.name, p.nameStyle) > room && available >= 3)
    nameLines = wrapName(measure, p.name, room, p.nameStyle);
  const factLines: string[] = [];
  let line = '';
  for (const piece of [p.id, ...p.facts].filter(Boolean)) {
    const next = line ? `${line}${SEPARATOR}${piece}` : piece;
    if (measure(next, small) <= room || line === '') line = next;
    else {
      factLines.push(line);
      line = piece;
    }
  }
  if (line) factLines.push(line);
  const shownFacts = factLines.slice(0, Math.max(0, available - nameLines.length));
  const count = nameLines.length + shownFacts.length;
  const height = metrics.font * 1.18;
  const first = row.height / 2 - ((count - 1) * height) / 2;
  nameLines.forEach((text, i) =>
    lines.push({
      text: fitted(text, p.nameStyle),
      x: p.left,
      dy: first + i * height,
      style: p.nameStyle,
    }),
  );
  shownFacts.forEach((text, i) =>
    lines.push({
      text: fitted(text, small),
      x: p.left,
      dy: first + (nameLines.length + i) * height,
      style: small,
    }),
  );
  return { lines, truncated };
}

/** Width the gutter needs for this row's label to be cut nowhere. */
function neededWidth(row: LaneRow | CpuRow, metrics: Metrics, measure: Measure): number {
  const p = parts(row, metrics, { text: '', muted: '' });
  const small: TextStyle = { size: metrics.small, color: '' };
  const end = 8 * metrics.scale + (p.scale ? scaleColumn(metrics, measure) : 0);
  const name = measure(p.name, p.nameStyle);
  if (lineRoom(row, metrics) === 1)
    return p.left + name + (p.id ? 10 * metrics.scale + measure(p.id, small) : 0) + end;
  // The id and the first fact share the second line ("pid 4100 · parent 4099"); the rest wrap
  // onto a third line, or give way.
  const second = [p.id, p.facts[0]].filter(Boolean).join(SEPARATOR);
  return p.left + Math.max(name, second ? measure(second, small) : 0) + end;
}

/** What the rows need, laid out for a stage of this size. */
export interface Arrangement {
  rows: Rows;
  metrics: Metrics;
}

/**
 * Metrics, rows and gutter for runs drawn `width` × `height`. `fit` shrinks rows so that every
 * one shows without scrolling (on screen); without it rows keep their size (an export, whose
 * height follows the rows).
 */
export function arrange(
  runs: readonly SceneRun[],
  collapsed: ReadonlySet<string>,
  scale: number,
  width: number,
  height: number,
  measure: Measure,
  fit: boolean,
): Arrangement {
  let metrics = metricsFor(scale);
  let rows = buildRows(runs, collapsed, metrics);
  if (fit) {
    const fitted = fitMetrics(metrics, rows.counts, height);
    if (fitted !== metrics) {
      metrics = fitted;
      rows = buildRows(runs, collapsed, metrics);
    }
  }
  let needed = 0;
  for (const row of rows.list)
    if (row.kind !== 'run') needed = Math.max(needed, neededWidth(row, metrics, measure));
  const least = Math.round(140 * metrics.scale);
  const most = Math.max(least, Math.round(width * 0.4));
  metrics = { ...metrics, labelWidth: Math.ceil(Math.min(most, Math.max(least, needed))) };
  return { rows, metrics };
}
