// Per-thread CPU% for the processes someone is watching. Thread ids are only unique within a
// process's lifetime, so baselines hang off the ProcessId and are dropped the moment nobody
// watches that process any more.

import type { ProcessId, ThreadRow } from '../../common/system';
import { percentOfCore } from './process-table';
import type { RawThread } from './sampler';

interface Baseline {
  at: number;
  cpuByTid: Map<number, number>;
}

export class ThreadTable {
  private readonly baselines = new Map<ProcessId, Baseline>();

  update(id: ProcessId, threads: RawThread[], at: number): ThreadRow[] {
    const previous = this.baselines.get(id);
    const cpuByTid = new Map<number, number>();
    const rows = threads.map((thread): ThreadRow => {
      cpuByTid.set(thread.tid, thread.cpuMs);
      const before = previous?.cpuByTid.get(thread.tid);
      // A tid missing from the baseline is a new thread; one whose time went backwards is a new
      // thread that reused the tid. Either way it has no interval to measure yet.
      const cpu =
        previous && before !== undefined
          ? percentOfCore(thread.cpuMs - before, at - previous.at)
          : 0;
      return { tid: thread.tid, name: thread.name, state: thread.state, cpu };
    });
    this.baselines.set(id, { at, cpuByTid });
    return rows;
  }

  /** Forgets every process not in `ids`. */
  retain(ids: ReadonlySet<ProcessId>): void {
    for (const id of this.baselines.keys()) if (!ids.has(id)) this.baselines.delete(id);
  }

  get size(): number {
    return this.baselines.size;
  }
}
