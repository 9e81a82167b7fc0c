// The runs a Timeline shows: one, or several stacked on one time axis to compare them (the
// Lessons' variations, any runs of the Lab). Each run's log is followed by a feed of its own;
// stacked runs are aligned at their script's start. Also the figures the views around the
// Timeline read off a run: its script's wall time, and the cores it kept busy while its workers
// ran (what makes the GIL visible in numbers: two threads ≈ 1 core, two processes ≈ 2).

import type { LabEvent } from '$common/lab';
import { TimelineFeed, type CpuSeries, type TimelineLayout } from './layout';

export interface TimelineRun {
  /** Stable for the run (its id): keys its feed, and what is collapsed or selected in it. */
  key: string;
  /** Its header when stacked ("Lesson 9: Two threads"), and the export's title. */
  title: string;
  /** The run's log in seq order; a new array per batch while it is live. */
  events: readonly LabEvent[];
  /** The run is in progress: its open spans follow the present. */
  live?: boolean;
  /**
   * The figure in its header when stacked ("15 ms", "1.9×"): what the run is compared by. By
   * default the script's own wall time, from its start to its end as the tracer saw them.
   */
  figure?: string | null;
}

/** One feed per run, kept while the run is shown: appends stay incremental in compare mode. */
export class TimelineFeeds {
  private feeds = new Map<string, TimelineFeed>();

  layouts(runs: readonly TimelineRun[]): TimelineLayout[] {
    const next = new Map<string, TimelineFeed>();
    const layouts = runs.map((run) => {
      const feed = this.feeds.get(run.key) ?? next.get(run.key) ?? new TimelineFeed();
      next.set(run.key, feed);
      return feed.update(run.events);
    });
    this.feeds = next;
    return layouts;
  }

  /** Changes when any run is replaced or starts over: the view then fits itself again. */
  generation(runs: readonly TimelineRun[]): string {
    return runs.map((run) => `${run.key}:${this.feeds.get(run.key)?.generation ?? 0}`).join(' ');
  }
}

/** The script's own span, µs: from its interpreter's hello to the end of the main module. */
export function scriptWall(layout: TimelineLayout): number | null {
  const { scriptStart, scriptEnd } = layout;
  return scriptStart === null || scriptEnd === null ? null : scriptEnd - scriptStart;
}

export interface WorkerPhase {
  /** µs, run time: the first worker's start() to the last worker's end. */
  start: number;
  end: number;
  /** Processes or threads the script started as workers. */
  workers: number;
  kind: 'processes' | 'threads';
  /**
   * Cores the run kept busy on average meanwhile (CPU time of all its processes ÷ the phase's
   * length): ~1.0 for CPU-bound threads under the GIL, ~2 for two CPU-bound processes.
   */
  cores: number | null;
}

/**
 * While the workers the main script started ran: child processes if it started any, else the
 * threads it started itself. Null before a worker has both started and ended.
 */
export function workerPhase(layout: TimelineLayout): WorkerPhase | null {
  const root = layout.lanes[0];
  if (!root) return null;
  const children = layout.lanes.filter(
    (lane) => lane.kind === 'process' && lane.parent === root.id,
  );
  const threads = layout.lanes.filter(
    (lane) =>
      lane.kind === 'thread' &&
      lane.parent === root.id &&
      !lane.internal &&
      lane.tid !== root.pid &&
      lane.name !== 'MainThread',
  );
  const kind = children.length > 0 ? 'processes' : 'threads';
  const workers = kind === 'processes' ? children : threads;
  let start = Infinity;
  let end = -Infinity;
  for (const lane of workers) {
    const running = layout.content.get(lane.id)?.spans.find((span) => span.kind === 'running');
    if (!running || running.end === null) return null;
    start = Math.min(start, running.start);
    end = Math.max(end, running.end);
  }
  if (workers.length === 0 || end <= start) return null;
  return {
    start,
    end,
    workers: workers.length,
    kind,
    cores: coresBusy(layout.totalCpu, start, end),
  };
}

/** Average of a CPU series over [from, to], in cores (100 % of one core = 1); null if unsampled. */
export function coresBusy(series: CpuSeries, from: number, to: number): number | null {
  let covered = 0;
  let used = 0;
  for (let i = 0; i + 2 < series.length; i += 3) {
    const start = Math.max(series[i] ?? 0, from);
    const end = Math.min(series[i + 1] ?? 0, to);
    if (end <= start) continue;
    covered += end - start;
    used += ((series[i + 2] ?? 0) / 100) * (end - start);
  }
  // Samples must cover most of the phase for an average to mean anything.
  return covered >= (to - from) * 0.5 ? used / covered : null;
}
