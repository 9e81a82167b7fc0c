// Words for what the Timeline draws: the tooltip of whatever is under the pointer, and a
// plain-language summary of each process for screen readers (and for a quick look in tests).

import type { TimelineLayout } from './layout';
import type { Hit } from './scene';
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

export function describeHit(layout: TimelineLayout, hit: Hit, now: number): Description {
  switch (hit.kind) {
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
    case 'arrow': {
      const { arrow } = hit;
      const gap = formatMicros(arrow.t1 - arrow.t0);
      return {
        title: arrow.label,
        lines: [
          `from ${laneName(layout, arrow.from)} at ${formatMicros(arrow.t0)}`,
          `to ${laneName(layout, arrow.to)} at ${formatMicros(arrow.t1)}`,
          arrow.kind === 'ipc' ? `${gap} in transit` : '',
          arrow.kind === 'task' ? `waited ${gap} for a free worker` : '',
        ].filter(Boolean),
      };
    }
    case 'label':
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
