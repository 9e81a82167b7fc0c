// The System view's backend: samples the OS on a timer, keeps the process table, and hands out
// deltas (ticks), full pictures (snapshots), lifecycle events and safe signals.

import os from 'node:os';
import { ProcscopeError } from '../../common/errors';
import {
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  SIGNALS,
  type MachineInfo,
  type ProcessId,
  type ProcessKey,
  type ProcessRow,
  type SignalAction,
  type SignalResult,
  type SystemLoad,
  type SystemSnapshot,
  type SystemTick,
  type ThreadRow,
} from '../../common/system';
import { CpuMeter } from './load';
import { readMachineInfo } from './machine';
import { createPlatformSampler } from './platform';
import { ProcessTable } from './process-table';
import { monotonicEpoch, type PlatformSampler } from './sampler';
import { sendSignal } from './signals';
import { helperRole } from '../helpers';
import { ThreadTable } from './thread-table';

export interface LifecycleEvent {
  kind: 'appeared' | 'vanished';
  row: ProcessRow;
  /** Epoch ms of the refresh that noticed it. */
  at: number;
}

export interface SystemMonitorOptions {
  sampler?: PlatformSampler;
  intervalMs?: number;
  /**
   * Epoch ms. The default is derived from the monotonic clock so that an NTP step of the wall
   * clock cannot produce a negative or huge interval in the CPU% arithmetic.
   */
  clock?: () => number;
  platform?: NodeJS.Platform;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  /** Refresh and listener failures; the monitor itself keeps running. */
  onError?: (error: unknown) => void;
}

/** Breathing room between refreshes when one overruns the interval. */
const MIN_GAP_MS = 100;

function emptyLoad(): SystemLoad {
  return {
    cpuPerCore: [],
    cpuTotal: 0,
    memoryUsedBytes: 0,
    memoryTotalBytes: os.totalmem(),
    loadAverage: [0, 0, 0],
    uptimeSeconds: os.uptime(),
    processCount: 0,
    threadCount: 0,
  };
}

export class SystemMonitor {
  private readonly sampler: PlatformSampler;
  private readonly clock: () => number;
  private readonly platform: NodeJS.Platform;
  private readonly kill: (pid: number, signal: NodeJS.Signals) => void;
  private readonly onError: (error: unknown) => void;

  private readonly table = new ProcessTable();
  private readonly threadTable = new ThreadTable();
  private readonly cpuMeter = new CpuMeter();
  private readonly watches = new Map<string, Set<ProcessId>>();
  private readonly diskIoClients = new Set<string>();
  private readonly tickListeners = new Set<(tick: SystemTick) => void>();
  private readonly lifecycleListeners = new Set<(event: LifecycleEvent) => void>();

  private interval: number;
  private paused = false;
  private started = false;
  private disposed = false;
  private seq = 0;
  private sampledAt = 0;
  private load: SystemLoad = emptyLoad();
  private refreshes = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastBegan = 0;
  private inflight: Promise<SystemTick | undefined> | undefined;
  private machineInfo: Promise<MachineInfo> | undefined;

  constructor(options: SystemMonitorOptions = {}) {
    this.sampler = options.sampler ?? createPlatformSampler();
    this.clock = options.clock ?? monotonicEpoch;
    this.platform = options.platform ?? process.platform;
    this.kill = options.kill ?? ((pid, signal) => process.kill(pid, signal));
    this.onError =
      options.onError ?? ((error) => console.error('[procscope] system monitor:', error));
    this.interval = clampInterval(options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  get intervalMs(): number {
    return this.interval;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  machine(): Promise<MachineInfo> {
    return (this.machineInfo ??= readMachineInfo());
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.schedule(0);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tickListeners.clear();
    this.lifecycleListeners.clear();
    this.watches.clear();
    this.diskIoClients.clear();
    this.sampler.dispose();
  }

  snapshot(): SystemSnapshot {
    return {
      seq: this.seq,
      at: this.sampledAt,
      intervalMs: this.interval,
      paused: this.paused,
      load: this.load,
      processes: this.table.rows(),
    };
  }

  onTick(listener: (tick: SystemTick) => void): () => void {
    this.tickListeners.add(listener);
    return () => this.tickListeners.delete(listener);
  }

  onLifecycle(listener: (event: LifecycleEvent) => void): () => void {
    this.lifecycleListeners.add(listener);
    return () => this.lifecycleListeners.delete(listener);
  }

  /** Clamped to MIN..MAX_INTERVAL_MS; takes effect from the next refresh. */
  setIntervalMs(ms: number): number {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) {
      throw new ProcscopeError(
        'invalid-params',
        `The refresh interval must be a number of milliseconds, not ${String(ms)}.`,
      );
    }
    this.interval = clampInterval(ms);
    if (this.timer) this.schedule(this.delayAfter(this.lastBegan));
    return this.interval;
  }

  /**
   * Pausing freezes the table as last sampled, so snapshot() stays consistent, and stops ticks.
   * One tick with paused=true goes out so that every client learns of it.
   */
  setPaused(paused: boolean): void {
    if (paused === this.paused || this.disposed) return;
    this.paused = paused;
    if (paused) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.emitTick({
        seq: ++this.seq,
        at: this.sampledAt,
        intervalMs: this.interval,
        paused: true,
        load: this.load,
        upserts: [],
        removed: [],
        threads: {},
      });
    } else if (this.started) {
      this.schedule(0);
    }
  }

  /** Replaces the set of processes whose threads `clientId` wants in every tick. */
  watch(clientId: string, ids: ProcessId[]): void {
    if (ids.length === 0) this.watches.delete(clientId);
    else this.watches.set(clientId, new Set(ids));
  }

  /** Reads disk I/O while at least one client shows it; returns whether it is now being read. */
  watchDiskIo(clientId: string, enabled: boolean): boolean {
    if (enabled) this.diskIoClients.add(clientId);
    else this.diskIoClients.delete(clientId);
    this.sampler.setDiskIo(this.diskIoClients.size > 0);
    return this.diskIoClients.size > 0;
  }

  unwatchClient(clientId: string): void {
    this.watches.delete(clientId);
    if (this.diskIoClients.has(clientId)) this.watchDiskIo(clientId, false);
  }

  async signal(target: ProcessKey, action: SignalAction, tree: boolean): Promise<SignalResult> {
    if (!SIGNALS.includes(action)) {
      throw new ProcscopeError('invalid-params', `Unknown signal action "${String(action)}".`);
    }
    return sendSignal(
      {
        sampler: this.sampler,
        table: this.table,
        platform: this.platform,
        selfPid: process.pid,
        helperRole,
        kill: this.kill,
      },
      target,
      action,
      tree,
    );
  }

  /**
   * Samples now and emits the tick. Concurrent callers share one refresh, so the timer and a
   * manual refresh can never interleave two scans. Resolves undefined when paused or disposed.
   */
  refresh(): Promise<SystemTick | undefined> {
    this.inflight ??= this.sample().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async sample(): Promise<SystemTick | undefined> {
    if (this.paused || this.disposed) return undefined;
    const [processes, cores, memory] = await Promise.all([
      this.sampler.readProcesses(),
      this.sampler.readCpuTimes(),
      this.sampler.readMemory(),
    ]);
    const at = this.clock();
    // Paused or closed while the OS was being read: keep the frozen picture as it was.
    if (this.paused || this.disposed) return undefined;

    const changes = this.table.update(processes, at);
    for (const id of changes.removed)
      for (const watched of this.watches.values()) watched.delete(id);
    const threads = await this.readWatchedThreads(at);
    if (this.paused || this.disposed) return undefined;

    const cpu = this.cpuMeter.update(cores);
    const [one = 0, five = 0, fifteen = 0] = os.loadavg();
    this.load = {
      cpuPerCore: cpu.perCore,
      cpuTotal: cpu.total,
      memoryUsedBytes: memory.usedBytes,
      memoryTotalBytes: memory.totalBytes,
      swapUsedBytes: memory.swapUsedBytes,
      swapTotalBytes: memory.swapTotalBytes,
      loadAverage: [one, five, fifteen],
      uptimeSeconds: os.uptime(),
      processCount: this.table.size,
      threadCount: this.table.threadCount(),
    };
    this.sampledAt = at;
    const tick: SystemTick = {
      seq: ++this.seq,
      at,
      intervalMs: this.interval,
      paused: false,
      load: this.load,
      upserts: changes.upserts,
      removed: changes.removed,
      threads,
    };
    // The first scan finds processes that were already running: they did not "appear".
    if (this.refreshes++ > 0) {
      for (const row of changes.appeared) this.emitLifecycle({ kind: 'appeared', row, at });
      for (const row of changes.vanished) this.emitLifecycle({ kind: 'vanished', row, at });
    }
    this.emitTick(tick);
    return tick;
  }

  private async readWatchedThreads(at: number): Promise<Record<ProcessId, ThreadRow[]>> {
    const watched = new Set<ProcessId>();
    for (const ids of this.watches.values())
      for (const id of ids) if (this.table.get(id)) watched.add(id);
    this.threadTable.retain(watched);
    const entries = await Promise.all(
      Array.from(watched, async (id) => {
        const row = this.table.get(id);
        // Read by pid right after the table confirmed (pid, start time); a recycle in between
        // shows at most one tick of a stranger's threads before the next sweep drops the watch.
        const threads = row && (await this.sampler.readThreads(row.pid));
        return threads ? ([id, this.threadTable.update(id, threads, at)] as const) : undefined;
      }),
    );
    return Object.fromEntries(entries.filter((entry) => entry !== undefined));
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.started || this.paused || this.disposed) return;
    this.timer = setTimeout(() => void this.loop(), delay);
  }

  /** Self-scheduling: the next refresh is planned only after this one finished, so none overlap. */
  private async loop(): Promise<void> {
    this.timer = undefined;
    const began = performance.now();
    this.lastBegan = began;
    try {
      await this.refresh();
    } catch (error) {
      this.onError(error);
    }
    if (!this.timer) this.schedule(this.delayAfter(began));
  }

  private delayAfter(began: number): number {
    return Math.max(MIN_GAP_MS, this.interval - (performance.now() - began));
  }

  private emitTick(tick: SystemTick): void {
    for (const listener of this.tickListeners) this.guard(() => listener(tick));
  }

  private emitLifecycle(event: LifecycleEvent): void {
    for (const listener of this.lifecycleListeners) this.guard(() => listener(event));
  }

  private guard(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.onError(error);
    }
  }
}

function clampInterval(ms: number): number {
  return Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(ms)));
}
