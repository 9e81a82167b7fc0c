// The renderer's picture of the machine: a full snapshot on (re)connect, then one delta per tick.
import type {
  MachineInfo,
  ProcessId,
  ProcessKey,
  ProcessRow,
  SignalAction,
  SignalResult,
  SystemLoad,
  SystemTick,
  ThreadRow,
} from '$common/system';
import type { Bridge } from './bridge.svelte';
import { Ring } from './ring';

/** Two minutes of history at the default 1 s refresh. */
export const HISTORY_LENGTH = 120;

/** What one applied tick changed in the set of processes (not in their figures). */
export interface SystemDelta {
  /** The tick's sample time (epoch ms, the backend's clock). */
  at: number;
  /** Rows that were not in the table before this tick. */
  appeared: ProcessId[];
  /** Rows this tick removed, as they last looked. */
  vanished: ProcessRow[];
}

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
  /** Swap in use, % of all swap; stays empty where the platform does not report swap. */
  readonly swapHistory = new Ring(HISTORY_LENGTH);
  /** One ring per logical core, % busy. */
  private coreRings: Ring[] = [];
  /** Resident memory of every process, bytes, as long as its CPU history. */
  private readonly memoryOfProcess = new Map<ProcessId, Ring>();
  private readonly processHistory = new Map<ProcessId, Ring>();
  private readonly threadHistory = new Map<string, Ring>();
  private readonly byId = new Map<ProcessId, ProcessRow>();
  private readonly deltaListeners = new Set<(delta: SystemDelta) => void>();
  private watched: ProcessId[] = [];
  private diskIo = false;
  private seq = -1;

  constructor(private readonly bridge: Bridge) {
    bridge.on('system.tick', (tick) => this.apply(tick));
    bridge.onConnected(() => {
      void this.resync();
      // The backend forgets a client's watches when it leaves, so a reconnect must repeat them.
      if (this.watched.length > 0) void this.sendWatch();
      if (this.diskIo) void this.sendDiskIo();
    });
  }

  /** Called after every applied tick with the rows it added and removed (often none). */
  onDelta(listener: (delta: SystemDelta) => void): () => void {
    this.deltaListeners.add(listener);
    return () => this.deltaListeners.delete(listener);
  }

  /** Asks for the threads of these processes in every tick (replaces the previous request). */
  async watch(ids: ProcessId[]): Promise<void> {
    if (ids.length === this.watched.length && ids.every((id, i) => id === this.watched[i])) return;
    this.watched = [...ids];
    await this.sendWatch();
  }

  /**
   * Sends a signal to exactly this (pid, start time). Only the two identity fields go out: the
   * backend re-reads the pid and refuses when its start time no longer matches.
   */
  signal(target: ProcessKey, action: SignalAction, tree: boolean): Promise<SignalResult> {
    return this.bridge.call('system.signal', {
      target: { pid: target.pid, startTime: target.startTime },
      action,
      tree,
    });
  }

  historyOf(id: ProcessId): number[] {
    return this.processHistory.get(id)?.toArray() ?? [];
  }

  /** Resident memory of one process over the history's length, bytes. */
  memoryHistoryOf(id: ProcessId): number[] {
    return this.memoryOfProcess.get(id)?.toArray() ?? [];
  }

  /** Each core's history, oldest first. */
  coreHistories(): number[][] {
    return this.coreRings.map((ring) => ring.toArray());
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
      // Whatever exited while the deltas were lost has no removal to prune its history by.
      for (const histories of [this.processHistory, this.memoryOfProcess])
        for (const id of histories.keys()) if (!this.byId.has(id)) histories.delete(id);
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
    const vanished: ProcessRow[] = [];
    const appeared: ProcessId[] = [];
    for (const id of tick.removed) {
      const gone = this.byId.get(id);
      if (gone) vanished.push(gone);
      this.byId.delete(id);
      this.processHistory.delete(id);
      this.memoryOfProcess.delete(id);
    }
    for (const row of tick.upserts) {
      if (!this.byId.has(row.id)) appeared.push(row.id);
      this.byId.set(row.id, row);
    }
    this.load = tick.load;
    this.intervalMs = tick.intervalMs;
    this.paused = tick.paused;
    this.sampledAt = tick.at;
    // The tick that announces a pause carries no threads; keep showing the last ones read.
    if (!tick.paused) this.threads = tick.threads;
    if (!tick.paused) this.recordHistory(tick);
    this.rows = [...this.byId.values()];
    this.revision++;
    const delta: SystemDelta = { at: tick.at, appeared, vanished };
    for (const listener of this.deltaListeners) listener(delta);
  }

  async setInterval(intervalMs: number): Promise<void> {
    const result = await this.bridge.call('system.setInterval', { intervalMs });
    this.intervalMs = result.intervalMs;
  }

  /**
   * Asks the backend for per-process disk rates (or to stop reading them). Refused for a
   * viewer of a class share: its disk columns then stay at —, which their tooltip explains.
   */
  async watchDiskIo(enabled: boolean): Promise<void> {
    this.diskIo = enabled;
    await this.sendDiskIo();
  }

  private async sendDiskIo(): Promise<void> {
    const enabled = this.diskIo;
    try {
      await this.bridge.call('system.watchDiskIo', { enabled });
    } catch {
      // Not worth a message: the figures simply stay unknown.
    }
  }

  async setPaused(paused: boolean): Promise<void> {
    const result = await this.bridge.call('system.setPaused', { paused });
    this.paused = result.paused;
  }

  private async sendWatch(): Promise<void> {
    try {
      await this.bridge.call('system.watch', { ids: this.watched });
    } catch (error) {
      // Threads are a nicety: a failed watch leaves the table working and is retried on reconnect.
      console.warn('Procscope: could not watch threads:', error);
    }
  }

  private recordHistory(tick: SystemTick): void {
    this.cpuHistory.push(tick.load.cpuTotal);
    this.memoryHistory.push((100 * tick.load.memoryUsedBytes) / tick.load.memoryTotalBytes);
    const { swapUsedBytes, swapTotalBytes } = tick.load;
    if (swapUsedBytes !== undefined && swapTotalBytes)
      this.swapHistory.push((100 * swapUsedBytes) / swapTotalBytes);
    const cores = tick.load.cpuPerCore;
    // A core brought online or taken offline starts every core's history afresh.
    if (this.coreRings.length !== cores.length)
      this.coreRings = cores.map(() => new Ring(HISTORY_LENGTH));
    cores.forEach((value, index) => this.coreRings[index]?.push(value));
    for (const [id, row] of this.byId) {
      let ring = this.processHistory.get(id);
      if (!ring) this.processHistory.set(id, (ring = new Ring(HISTORY_LENGTH)));
      ring.push(row.cpu);
      let memory = this.memoryOfProcess.get(id);
      if (!memory) this.memoryOfProcess.set(id, (memory = new Ring(HISTORY_LENGTH)));
      memory.push(row.rssBytes);
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
