import type { CoreTimes } from './sampler';

export interface CpuLoad {
  /** 0–100 per logical core. */
  perCore: number[];
  /** 0–100 for the whole machine. */
  total: number;
}

/** Whole-machine CPU from successive cumulative per-core counters. */
export class CpuMeter {
  private previous: CoreTimes[] = [];

  update(cores: CoreTimes[]): CpuLoad {
    const previous = this.previous;
    this.previous = cores;
    // No baseline yet, or a core went on/offline and the indices no longer line up.
    if (previous.length !== cores.length) return { perCore: cores.map(() => 0), total: 0 };
    let busy = 0;
    let total = 0;
    const perCore = cores.map((core, index) => {
      const before = previous[index] ?? core;
      const deltaBusy = Math.max(0, core.busy - before.busy);
      const deltaTotal = core.total - before.total;
      busy += deltaBusy;
      total += Math.max(0, deltaTotal);
      return share(deltaBusy, deltaTotal);
    });
    return { perCore, total: share(busy, total) };
  }
}

function share(busy: number, total: number): number {
  return total > 0 ? Math.min(100, Math.round((busy / total) * 1000) / 10) : 0;
}
