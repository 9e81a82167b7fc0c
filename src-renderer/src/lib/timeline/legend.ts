// What the Timeline's symbols mean. One list for the on-screen legend and the exported image,
// cut to what the runs on show actually contain: a legend of thirteen entries where three are
// used is ~100 px a projector cannot spare.

import type { TimelineLayout } from './layout';
import type { MarkerKind, SpanKind } from './layout';

export interface LegendEntry {
  key: string;
  label: string;
  span?: SpanKind;
  marker?: MarkerKind;
  /** is_alive() shows both answers, True then False. */
  alive?: boolean;
  cpu?: 'run' | 'core';
}

const ENTRIES: LegendEntry[] = [
  { key: 'new', label: 'New', span: 'new' },
  { key: 'running', label: 'Running', span: 'running' },
  { key: 'waiting', label: 'Waiting in join()', span: 'waiting' },
  { key: 'paused', label: 'Paused (step mode)', span: 'paused' },
  { key: 'terminated', label: 'Terminated', span: 'terminated' },
  { key: 'task', label: 'Pool task', span: 'task' },
  { key: 'cpu', label: 'CPU (a full band: one core)', cpu: 'run' },
  { key: 'core', label: 'a core busy', cpu: 'core' },
  { key: 'start', label: 'start()', marker: 'start' },
  { key: 'is-alive', label: 'is_alive() True / False', marker: 'is-alive' },
  { key: 'terminate', label: 'terminate()', marker: 'terminate' },
  { key: 'kill', label: 'kill()', marker: 'kill' },
  { key: 'exception', label: 'exception', marker: 'exception' },
  { key: 'api-error', label: 'misuse', marker: 'api-error' },
  { key: 'script-end', label: 'script finished', marker: 'script-end' },
  { key: 'output', label: 'output line', marker: 'output' },
];

/** The entries for what these layouts draw, in the legend's order; all of them for none. */
export function legendFor(layouts: readonly TimelineLayout[]): LegendEntry[] {
  if (layouts.every((layout) => layout.lanes.length === 0)) return ENTRIES;
  const used = new Set<string>();
  for (const layout of layouts) {
    for (const span of layout.spans) used.add(span.kind);
    for (const marker of layout.markers) used.add(marker.kind);
    if (layout.lanes.some((lane) => lane.cpuPeak > 0) || layout.totalCpu.length > 0)
      used.add('cpu');
    if (layout.cores.length > 0) used.add('core');
  }
  return ENTRIES.filter((entry) => used.has(entry.key));
}
