// Logs of runs other than the one on screen, held for a view that needs them: runs stacked on
// the Timeline to compare, and the Lessons' earlier runs, whose results are read from their
// logs. A held log is fetched once (page by page) and, while its run lives, kept up to date
// from the pushed batches; a gap (a batch missed while fetching) is fetched again from there.
import type { LabEvent } from '$common/lab';
import type { Bridge } from './bridge.svelte';
import { fetchRunLog } from './run-log';

/** Logs held at once; the oldest is let go beyond this (the backend keeps ~20 ended runs). */
const MAX_HELD = 40;
/** Events kept per held log, as for the run on screen. */
const MAX_EVENTS = 100_000;

/** Who holds a log: it is let go when the last of them releases it. */
export type Holder = 'lessons' | 'compare';

export class HeldLogs {
  private logs = $state.raw<Record<string, readonly LabEvent[]>>({});
  private readonly holders = new Map<string, Set<Holder>>();
  private readonly fetching = new Set<string>();

  constructor(private readonly bridge: Bridge) {
    bridge.on('lab.events', ({ runId, events }) => this.append(runId, events));
  }

  /** The run's log as held so far, or undefined if it is not held (yet). */
  get(runId: string): readonly LabEvent[] | undefined {
    return this.logs[runId];
  }

  /** Starts holding a run's log; resolves once it has been read (or could not be). */
  async hold(runId: string, holder: Holder): Promise<void> {
    const holders = this.holders.get(runId) ?? new Set<Holder>();
    holders.add(holder);
    this.holders.set(runId, holders);
    if (!(runId in this.logs)) await this.fetch(runId, undefined);
  }

  release(runId: string, holder: Holder): void {
    const holders = this.holders.get(runId);
    holders?.delete(holder);
    if (holders && holders.size > 0) return;
    this.holders.delete(runId);
    this.logs = Object.fromEntries(Object.entries(this.logs).filter(([id]) => id !== runId));
  }

  private async fetch(runId: string, sinceSeq: number | undefined): Promise<void> {
    if (this.fetching.has(runId)) return;
    this.fetching.add(runId);
    try {
      const fetched: LabEvent[] = [];
      await fetchRunLog(this.bridge, runId, sinceSeq, (page) => {
        fetched.push(...page.events);
        return true;
      });
      // Released while it was being read: not held after all.
      if (this.holders.has(runId)) this.merge(runId, fetched, sinceSeq === undefined);
    } catch {
      // Gone from the backend (forgotten, or the backend restarted): there is nothing to hold.
    } finally {
      this.fetching.delete(runId);
    }
  }

  private append(runId: string, events: readonly LabEvent[]): void {
    const log = this.logs[runId];
    const first = events[0];
    if (!log || !first) return;
    const last = log.at(-1)?.seq ?? 0;
    if (first.seq > last + 1) void this.fetch(runId, last);
    else this.merge(runId, events, false);
  }

  private merge(runId: string, events: readonly LabEvent[], fresh: boolean): void {
    const held = fresh ? [] : (this.logs[runId] ?? []);
    const last = held.at(-1)?.seq ?? 0;
    const log = [...held, ...events.filter((event) => event.seq > last)];
    // The log just touched goes last: the ones let go beyond MAX_HELD are the longest unused.
    const others = Object.entries(this.logs).filter(([id]) => id !== runId);
    const dropped = others.slice(0, Math.max(0, others.length - MAX_HELD + 1));
    for (const [id] of dropped) this.holders.delete(id);
    this.logs = Object.fromEntries([
      ...others.slice(dropped.length),
      [runId, log.length > MAX_EVENTS ? log.slice(log.length - MAX_EVENTS) : log],
    ]);
  }
}
