// The data model of the System view. Pure types: shared by core (which produces them) and the
// renderer (which draws them), so nothing here may touch Node, Electron or the DOM.

/** Static facts about the machine, read once. */
export interface MachineInfo {
  hostname: string;
  platform: string;
  osName: string;
  osRelease: string;
  arch: string;
  cpuModel: string;
  /** Logical cores: the denominator for "share of the machine". */
  logicalCores: number;
  physicalCores: number;
  totalMemoryBytes: number;
}

/** Whole-machine load at one tick. */
export interface SystemLoad {
  /** One entry per logical core, 0–100. */
  cpuPerCore: number[];
  /** Whole machine, 0–100. */
  cpuTotal: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  /** Swap in use and in all; absent where the platform's sampler does not read it. */
  swapUsedBytes?: number;
  swapTotalBytes?: number;
  loadAverage: [number, number, number];
  uptimeSeconds: number;
  processCount: number;
  threadCount: number;
}

/**
 * Identity of a process. PIDs are reused, so a pid alone never names a process: the start time
 * (epoch ms, as derived from the kernel's own record) tells two holders of one pid apart.
 */
export interface ProcessKey {
  pid: number;
  startTime: number;
}

/** `${pid}:${startTime}` — the key used in maps and on the wire. */
export type ProcessId = string;

export function processId(key: ProcessKey): ProcessId {
  return `${key.pid}:${key.startTime}`;
}

export interface ProcessRow extends ProcessKey {
  id: ProcessId;
  ppid: number;
  name: string;
  user: string;
  /** One-letter kernel state (R, S, D, Z, T, I, …) or '?' when unknown. */
  state: string;
  /** Percent of one core over the last interval: can exceed 100 on a multi-core machine. */
  cpu: number;
  /** User + system CPU time used since the process started. */
  cpuTimeMs: number;
  /** Resident memory (RSS), as ps, top and psutil count it. */
  rssBytes: number;
  /** Mapped address space (VIRT/VSZ); absent where the platform does not report it. */
  virtualBytes?: number;
  /** Resident memory shared with other processes (SHR); absent where not reported. */
  sharedBytes?: number;
  /**
   * Bytes per second read from and written to storage over the last interval. Present only while
   * a client asked for disk I/O and the OS lets Procscope see this process's counters.
   */
  diskReadRate?: number;
  diskWriteRate?: number;
  threads: number;
  nice: number;
  priority: number;
  command: string;
  exe: string;
  /** False when part of the row could not be read (another user's process, hidepid, a race). */
  complete: boolean;
}

export interface ThreadRow {
  tid: number;
  name: string;
  state: string;
  /** Percent of one core over the last interval. */
  cpu: number;
}

/** Everything that changed in one refresh: the only message that crosses to the renderer per tick. */
export interface SystemTick {
  seq: number;
  /** Epoch ms when the sample was taken. */
  at: number;
  intervalMs: number;
  paused: boolean;
  load: SystemLoad;
  /** Rows that appeared or whose figures changed since the previous tick (whole rows). */
  upserts: ProcessRow[];
  /** Ids of rows that vanished since the previous tick. */
  removed: ProcessId[];
  /** Threads of the processes a client asked to watch, keyed by process id. */
  threads: Record<ProcessId, ThreadRow[]>;
}

/** A full picture, sent when a client connects (ticks then carry the deltas). */
export interface SystemSnapshot {
  seq: number;
  at: number;
  intervalMs: number;
  paused: boolean;
  load: SystemLoad;
  processes: ProcessRow[];
}

export const SIGNALS = ['terminate', 'kill', 'suspend', 'resume'] as const;
export type SignalAction = (typeof SIGNALS)[number];

export interface SignalResult {
  /**
   * Exactly the processes the signal reached, by id. For a tree: every descendant found at the
   * moment of signalling (the tree is frozen first, so none can be forked in between).
   */
  signalled: ProcessId[];
  /** Members of the tree that were zombies: already exited, so no signal could reach them. */
  zombies: ProcessId[];
}

export const MIN_INTERVAL_MS = 500;
export const MAX_INTERVAL_MS = 5000;
export const DEFAULT_INTERVAL_MS = 1000;
