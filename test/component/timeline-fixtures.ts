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
  // The same two halves as runs of their own, to compare: lesson 9's two variations.
  'gil-threads',
  'gil-processes',
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
  return { key, title: key, layout, offset, now: layout.end, figure: '' };
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

/**
 * A script that starts `children` processes, each running work(i) for a second, and joins them:
 * MainProcess and MainThread, then a process and its MainThread per child. CPU is sampled every
 * 200 ms with the machine's two cores.
 */
export function fanOutLog(children: number): LabEvent[] {
  const events: Omit<LabEvent, 'seq'>[] = [];
  const add = (event: Record<string, unknown>) => events.push(event as Omit<LabEvent, 'seq'>);
  const root = 5000;
  add({
    t: 0,
    kind: 'run.started',
    command: ['python3', 'fan_out.py'],
    cwd: '/lab',
    stepMode: false,
  });
  add({
    t: 1000,
    kind: 'proc.appeared',
    pid: root,
    ppid: 4999,
    command: ['python3', 'fan_out.py'],
    source: 'os',
  });
  add({
    t: 40_000,
    kind: 'tracer.attached',
    pid: root,
    tid: root,
    ppid: 4999,
    python: '3.11.7',
    executable: '/usr/bin/python3',
    argv: ['fan_out.py'],
    role: 'main',
  });
  const site = { file: '/lab/fan_out.py', line: 9 };
  for (let i = 0; i < children; i++) {
    const proc = `${root}:${i + 1}`;
    const pid = root + 1 + i;
    const t = 41_000 + i * 2_000;
    add({
      t,
      kind: 'mp.created',
      pid: root,
      tid: root,
      proc,
      name: `Process-${i + 1}`,
      target: '__main__.work',
      args: `(${i},)`,
      at: site,
    });
    add({
      t: t + 500,
      kind: 'mp.started',
      pid: root,
      tid: root,
      proc,
      childPid: pid,
      name: `Process-${i + 1}`,
      daemon: false,
      method: 'fork',
      at: site,
    });
    add({
      t: t + 700,
      kind: 'tracer.attached',
      pid,
      tid: pid,
      ppid: root,
      python: '3.11.7',
      executable: '/usr/bin/python3',
      argv: ['fan_out.py'],
      role: 'forked',
    });
    add({ t: t + 800, kind: 'mp.running', pid, tid: pid, proc, name: `Process-${i + 1}` });
  }
  add({
    t: 50_000,
    kind: 'mp.join.call',
    pid: root,
    tid: root,
    proc: `${root}:1`,
    timeout: null,
    at: site,
  });
  for (let t = 200_000; t <= 1_000_000; t += 200_000)
    add({
      t,
      kind: 'cpu.sample',
      intervalMs: 200,
      cores: [97, 96],
      procs: [
        { pid: root, cpu: 0.2, threads: [{ tid: root, cpu: 0.2 }] },
        ...Array.from({ length: children }, (_, i) => ({
          pid: root + 1 + i,
          cpu: 200 / children,
          threads: [{ tid: root + 1 + i, cpu: 200 / children }],
        })),
      ],
    });
  for (let i = 0; i < children; i++) {
    const pid = root + 1 + i;
    const t = 1_050_000 + i * 1_000;
    add({
      t,
      kind: 'mp.exit',
      pid,
      tid: pid,
      proc: `${root}:${i + 1}`,
      childPid: pid,
      exitCode: 0,
      by: 'child',
    });
    add({ t: t + 300, kind: 'proc.exited', pid, exitCode: 0, signal: null });
  }
  add({
    t: 1_060_000,
    kind: 'mp.join.return',
    pid: root,
    tid: root,
    proc: `${root}:1`,
    ended: true,
    exitCode: 0,
  });
  add({ t: 1_061_000, kind: 'script.end', pid: root, tid: root });
  add({ t: 1_070_000, kind: 'proc.exited', pid: root, exitCode: 0, signal: null });
  add({ t: 1_071_000, kind: 'run.ended', state: 'exited', exitCode: 0, signal: null, error: null });
  return events.map((event, index) => ({ ...event, seq: index + 1 }) as LabEvent);
}
