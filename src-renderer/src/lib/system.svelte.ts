// The renderer's picture of the machine: a full snapshot on (re)connect, then one delta per tick.
import type {
  MachineInfo,
  ProcessId,
  ProcessRow,
  SystemLoad,
  SystemTick,
  ThreadRow,
} from '$common/system';
import type { Bridge } from './bridge.svelte';
import { Ring } from './ring';

/** Two minutes of history at the default 1 s refresh. */
export const HISTORY_LENGTH = 120;

export class SystemStore {
  machine = $state.raw<MachineInfo | null>(null);
  load = $state.raw<SystemLoad | null>(null);
  rows = $state.raw<ProcessRow[]>([]);
  threads = $state.raw<Record<ProcessId, ThreadRow[]>>({});
  intervalMs = $state(1000);
  paused = $state(false);
  sampledAt = $state(0);
  error = $state<string | null>(null);
  /** Bumped on every applied tick so views that draw from the rings know to redraw. */
  revision = $state(0);

  readonly cpuHistory = new Ring(HISTORY_LENGTH);
  readonly memoryHistory = new Ring(HISTORY_LENGTH);
  private readonly processHistory = new Map<ProcessId, Ring>();
  private readonly threadHistory = new Map<string, Ring>();
  private readonly byId = new Map<ProcessId, ProcessRow>();
  private seq = -1;

  constructor(private readonly bridge: Bridge) {
    bridge.on('system.tick', (tick) => this.apply(tick));
    bridge.onConnected(() => void this.resync());
  }

  historyOf(id: ProcessId): number[] {
    return this.processHistory.get(id)?.toArray() ?? [];
  }

  threadHistoryOf(id: ProcessId, tid: number): number[] {
    return this.threadHistory.get(`${id}/${tid}`)?.toArray() ?? [];
  }

  row(id: ProcessId): ProcessRow | undefined {
    return this.byId.get(id);
  }

  async resync(): Promise<void> {
    try {
      const [machine, snapshot] = await Promise.all([
        this.bridge.call('system.machine', {}),
        this.bridge.call('system.snapshot', {}),
      ]);
      this.machine = machine;
      this.byId.clear();
      for (const row of snapshot.processes) this.byId.set(row.id, row);
      this.seq = snapshot.seq;
      this.load = snapshot.load;
      this.intervalMs = snapshot.intervalMs;
      this.paused = snapshot.paused;
      this.sampledAt = snapshot.at;
      this.rows = [...this.byId.values()];
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  apply(tick: SystemTick): void {
    if (tick.seq <= this.seq) return;
    if (this.seq >= 0 && tick.seq !== this.seq + 1) {
      // A gap means a lost delta: the only safe picture is a fresh snapshot.
      void this.resync();
      return;
    }
    this.seq = tick.seq;
    for (const id of tick.removed) {
      this.byId.delete(id);
      this.processHistory.delete(id);
    }
    for (const row of tick.upserts) this.byId.set(row.id, row);
    this.load = tick.load;
    this.intervalMs = tick.intervalMs;
    this.paused = tick.paused;
    this.sampledAt = tick.at;
    this.threads = tick.threads;
    if (!tick.paused) this.recordHistory(tick);
    this.rows = [...this.byId.values()];
    this.revision++;
  }

  async setInterval(intervalMs: number): Promise<void> {
    const result = await this.bridge.call('system.setInterval', { intervalMs });
    this.intervalMs = result.intervalMs;
  }

  async setPaused(paused: boolean): Promise<void> {
    const result = await this.bridge.call('system.setPaused', { paused });
    this.paused = result.paused;
  }

  private recordHistory(tick: SystemTick): void {
    this.cpuHistory.push(tick.load.cpuTotal);
    this.memoryHistory.push((100 * tick.load.memoryUsedBytes) / tick.load.memoryTotalBytes);
    for (const [id, row] of this.byId) {
      let ring = this.processHistory.get(id);
      if (!ring) this.processHistory.set(id, (ring = new Ring(HISTORY_LENGTH)));
      ring.push(row.cpu);
    }
    const seen = new Set<string>();
    for (const [id, threads] of Object.entries(tick.threads)) {
      for (const thread of threads) {
        const key = `${id}/${thread.tid}`;
        seen.add(key);
        let ring = this.threadHistory.get(key);
        if (!ring) this.threadHistory.set(key, (ring = new Ring(HISTORY_LENGTH)));
        ring.push(thread.cpu);
      }
    }
    for (const key of this.threadHistory.keys()) if (!seen.has(key)) this.threadHistory.delete(key);
  }
}
