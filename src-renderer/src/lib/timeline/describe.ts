// Words for what the Timeline draws: the tooltip of whatever is under the pointer, and a
// plain-language summary of each process for screen readers (and for a quick look in tests).

import type { TimelineLayout } from './layout';
import { runOf, type Hit, type Scene } from './scene';
import { formatMicros } from './units';

export interface Description {
  title: string;
  lines: string[];
}

const SPAN_NAMES = {
  new: 'New',
  running: 'Running',
  exiting: 'Exiting',
  terminated: 'Terminated',
  waiting: 'Waiting',
  paused: 'Paused',
  task: 'Pool task',
} as const;

function laneName(layout: TimelineLayout, id: string): string {
  const lane = layout.byId.get(id);
  if (!lane) return id;
  if (lane.kind === 'thread') {
    const owner = lane.parent === null ? undefined : layout.byId.get(lane.parent);
    return `${lane.name} of ${owner?.name ?? `pid ${lane.pid}`}`;
  }
  return lane.pid === null ? lane.name : `${lane.name} (pid ${lane.pid})`;
}

const cpuLine = (cpu: { cpu: number } | null): string[] =>
  cpu ? [`CPU here: ${cpu.cpu.toFixed(1)}% of one core`] : [];

const cores = (percent: number): string => `${(percent / 100).toFixed(1)} cores`;

export function describeHit(scene: Scene, hit: Hit): Description {
  if (hit.kind === 'arrow') return describeArrow(scene.runs[hit.run]?.layout, hit);
  const run = runOf(scene, hit.row);
  const { layout, now } = run;
  switch (hit.kind) {
    case 'run':
      return {
        title: run.title,
        lines: [run.figure, `${layout.lanes.length} lanes, ${formatMicros(layout.end)} in all`],
      };
    case 'cpu':
      if (hit.row.kind === 'total')
        return {
          title: 'All processes of the run: CPU',
          lines: [
            `at ${formatMicros(hit.t)}`,
            hit.cpu
              ? `${hit.cpu.cpu.toFixed(0)}% of one core = ${cores(hit.cpu.cpu)} busy`
              : 'not sampled here',
            'The dashed line is one core: threads of one process (the GIL) stay under it.',
          ],
        };
      return {
        title: `Core ${hit.row.core} of the machine`,
        lines: [
          `at ${formatMicros(hit.t)}`,
          hit.cpu ? `${hit.cpu.cpu.toFixed(0)}% busy` : 'not sampled here',
          'Everything the machine ran on this core, not only this run.',
        ],
      };
    case 'marker': {
      const { marker } = hit;
      const details = marker.detail ? marker.detail.split('\n').slice(0, 8) : [];
      return {
        title: marker.label,
        lines: [
          `${laneName(layout, marker.lane)} at ${formatMicros(marker.t)}`,
          ...details,
          ...(marker.traceback ? ['Click to read the traceback'] : []),
        ],
      };
    }
    case 'span': {
      const { span } = hit;
      const end = span.end ?? now;
      const until =
        span.end === null ? (layout.ended ? 'the end of the run' : 'now') : formatMicros(end);
      return {
        title: `${SPAN_NAMES[span.kind]}: ${span.label}`,
        lines: [
          laneName(layout, span.lane),
          `${formatMicros(span.start)} → ${until} (${formatMicros(end - span.start)})`,
          ...(span.detail ? span.detail.split('\n') : []),
          ...cpuLine(hit.cpu),
        ],
      };
    }
    case 'label':
      if (hit.row.kind !== 'lane')
        return {
          title:
            hit.row.kind === 'total' ? 'All processes of the run: CPU' : `Core ${hit.row.core}`,
          lines: [
            hit.row.kind === 'total'
              ? `0 to ${cores(hit.row.cpuScale)}; ${hit.row.core} logical cores below — click the triangle to ${hit.row.collapsed ? 'show' : 'hide'} them`
              : 'How busy this core of the machine was, 0 to 100%',
          ],
        };
      return {
        title: laneName(layout, hit.row.lane.id),
        lines: [
          ...(hit.row.lane.detail ? hit.row.lane.detail.split('\n') : []),
          hit.row.threads > 0
            ? `${hit.row.threads} thread${hit.row.threads === 1 ? '' : 's'} — click the triangle to ${hit.row.collapsed ? 'show' : 'hide'} them`
            : '',
        ].filter(Boolean),
      };
    case 'lane':
      return {
        title: laneName(layout, hit.row.lane.id),
        lines: [`at ${formatMicros(hit.t)}`, ...cpuLine(hit.cpu)],
      };
  }
}

function describeArrow(
  layout: TimelineLayout | undefined,
  { arrow }: Extract<Hit, { kind: 'arrow' }>,
): Description {
  const gap = formatMicros(arrow.t1 - arrow.t0);
  const name = (id: string) => (layout ? laneName(layout, id) : id);
  return {
    title: arrow.value === undefined ? arrow.label : `${arrow.label}: ${arrow.value}`,
    lines: [
      `from ${name(arrow.from)} at ${formatMicros(arrow.t0)}`,
      `to ${name(arrow.to)} at ${formatMicros(arrow.t1)}`,
      arrow.kind === 'ipc' ? `${gap} in transit` : '',
      arrow.kind === 'task' ? `waited ${gap} for a free worker` : '',
    ].filter(Boolean),
  };
}

/** One sentence per process: what happened to it, in order. */
export function summarize(layout: TimelineLayout): string[] {
  return layout.lanes
    .filter((lane) => lane.kind === 'process')
    .map((lane) => {
      const spans = layout.content.get(lane.id)?.spans ?? [];
      const phase = (kind: string) => spans.find((span) => span.kind === kind);
      const parts: string[] = [];
      const created = phase('new');
      const running = phase('running');
      const terminated = phase('terminated');
      if (created) parts.push(`created at ${formatMicros(created.start)}`);
      if (running) parts.push(`running from ${formatMicros(running.start)}`);
      else parts.push(layout.ended ? 'never started' : 'not started yet');
      const exiting = phase('exiting');
      if (exiting) parts.push(`script finished at ${formatMicros(exiting.start)}`);
      const markers = layout.content.get(lane.id)?.markers ?? [];
      if (terminated) {
        const status = markers.find((m) => m.kind === 'exit')?.value ?? 'ended';
        parts.push(`ended at ${formatMicros(terminated.start)}, ${status}`);
      } else if (running) parts.push(layout.ended ? 'end not seen' : 'still running');
      const exceptions = markers.filter((m) => m.kind === 'exception');
      for (const exception of exceptions) parts.push(`raised ${exception.label}`);
      return `${laneName(layout, lane.id)}: ${parts.join('; ')}.`;
    });
}
