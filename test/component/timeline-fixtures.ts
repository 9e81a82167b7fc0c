// Loads the hand-written event logs of test/fixtures/timeline, checking on the way that each is
// a well-formed log (known kinds, seq strictly increasing, times in µs from 0), so a typo in a
// fixture fails loudly instead of silently drawing less.
import { isLabEventKind, type LabEvent } from '$common/lab';
import { arrange } from '../../src-renderer/src/lib/timeline/labels';
import type { TimelineLayout, TimelineSpan } from '../../src-renderer/src/lib/timeline/layout';
import type { TextStyle } from '../../src-renderer/src/lib/timeline/painter';
import type { Scene, SceneRun, Theme } from '../../src-renderer/src/lib/timeline/scene';
import type { TimeWindow } from '../../src-renderer/src/lib/timeline/viewport';

export const FIXTURES = [
  'two-sleepers-join',
  'two-sleepers-no-join',
  'exception-in-target',
  'terminate-kill',
  'queue-exchange',
  'pool-map',
  'gil-threads-vs-processes',
] as const;

export type FixtureName = (typeof FIXTURES)[number];

// Through Vite (this project's component tests run in jsdom, with no Node types in scope).
const FILES = import.meta.glob<unknown[]>('../fixtures/timeline/*.json', {
  eager: true,
  import: 'default',
});

export function loadLog(name: FixtureName): LabEvent[] {
  const file = FILES[`../fixtures/timeline/${name}.json`];
  if (!file) throw new Error(`no fixture ${name}`);
  // A fresh copy per call, so no test can change the log another one reads.
  const events = structuredClone(file) as LabEvent[];
  events.forEach((event, index) => {
    const where = `${name} event ${index + 1}`;
    if (!isLabEventKind(event.kind)) throw new Error(`${where}: unknown kind ${event.kind}`);
    if (event.seq !== index + 1) throw new Error(`${where}: seq ${event.seq}`);
    if (!Number.isInteger(event.t) || event.t < 0) throw new Error(`${where}: t ${event.t}`);
  });
  return events;
}

export function laneByName(layout: TimelineLayout, name: string, pid?: number) {
  const lane = layout.lanes.find((l) => l.name === name && (pid === undefined || l.pid === pid));
  if (!lane) throw new Error(`no lane ${name} (pid ${pid}) in ${layout.lanes.map((l) => l.name)}`);
  return lane;
}

export function spansOf(layout: TimelineLayout, laneId: string, kind?: TimelineSpan['kind']) {
  return (layout.content.get(laneId)?.spans ?? []).filter((s) => !kind || s.kind === kind);
}

export function onlySpan(layout: TimelineLayout, laneId: string, kind: TimelineSpan['kind']) {
  const spans = spansOf(layout, laneId, kind);
  if (spans.length !== 1) throw new Error(`${laneId}: ${spans.length} ${kind} spans`);
  return spans[0] as TimelineSpan;
}

/** Text widths without a canvas: every character 0.55 em, bold a little wider. */
export const charWidth = (value: string, style: TextStyle): number =>
  value.length * style.size * ((style.weight ?? 400) >= 600 ? 0.6 : 0.55);

export const THEME = Object.fromEntries(
  ['font', 'panel', 'panel2', 'line', 'text', 'muted', 'accent', 'running', 'new', 'waiting']
    .concat(['terminated', 'error', 'task', 'focus', 'core', 'onSolid'])
    .map((key) => [key, key === 'font' ? 'sans-serif' : '#000000']),
) as unknown as Theme;

export function sceneRun(layout: TimelineLayout, key = 'run', offset = 0): SceneRun {
  return { key, title: key, layout, offset, now: layout.end, wall: '' };
}

/** A scene as the component makes one, for layouts laid out `width` × `height`. */
export function sceneOf(
  layouts: TimelineLayout[],
  options: {
    width: number;
    height: number;
    window: TimeWindow;
    collapsed?: Set<string>;
    scale?: number;
    fit?: boolean;
    runs?: SceneRun[];
  },
): Scene {
  const runs = options.runs ?? layouts.map((layout) => sceneRun(layout));
  const collapsed = options.collapsed ?? new Set<string>();
  const { rows, metrics } = arrange(
    runs,
    collapsed,
    options.scale ?? 1,
    options.width,
    options.height,
    charWidth,
    options.fit ?? true,
  );
  return {
    runs,
    rows,
    metrics,
    theme: THEME,
    window: options.window,
    width: options.width,
    height: options.height,
    top: 0,
    scrollY: 0,
    hover: null,
    selected: null,
    cursor: null,
    live: false,
  };
}
