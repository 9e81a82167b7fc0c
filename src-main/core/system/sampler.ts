// The seam between the platform-neutral process table and one operating system. Each platform
// file implements PlatformSampler; nothing above this seam knows where the numbers came from.

import os from 'node:os';

/** The cheap part of a process record: read every tick. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** Epoch ms derived from the kernel's own record; constant for the life of the process. */
  startTime: number;
  /** Cumulative user + system CPU time. */
  cpuMs: number;
  rssBytes: number;
  threads: number;
  nice: number;
  priority: number;
  /** One-letter state, '?' when the platform does not say. */
  state: string;
  /**
   * Epoch ms (monotonic-derived) of this process's own read, where a platform reads processes
   * one by one. A scan of thousands of processes takes long enough that one time for all of them
   * would skew each CPU% by where in the scan it was read. Batched platforms (one `ps`, one CIM
   * query) leave it out: the refresh's time stands for every row.
   */
  sampledAt?: number;
  /** Mapped address space (VIRT), where the platform reports it. */
  virtualBytes?: number;
  /** Resident pages shared with other processes (SHR: file-backed and shmem), where reported. */
  sharedBytes?: number;
  /**
   * Cumulative bytes this process made the storage layer read and write, when disk I/O was asked
   * for and the platform lets us see it (Linux: /proc/<pid>/io, own processes or root only).
   */
  diskReadBytes?: number;
  diskWriteBytes?: number;
}

/** The expensive part: read once per (pid, startTime) and cached by the sampler. */
export interface ProcessDetails {
  name: string;
  user: string;
  command: string;
  exe: string;
  /** False when some of the details could not be read (permissions, a race with exit). */
  complete: boolean;
}

export interface RawProcess extends ProcessStat, ProcessDetails {}

export interface RawThread {
  /** Kernel thread id; on macOS, which exposes none, the thread's ordinal within its process. */
  tid: number;
  /** Empty when the platform keeps no thread names. */
  name: string;
  state: string;
  /** Cumulative user + system CPU time. */
  cpuMs: number;
}

/** Cumulative time of one logical core, in any unit: only ratios of deltas are used. */
export interface CoreTimes {
  busy: number;
  total: number;
}

export interface MemoryUsage {
  totalBytes: number;
  usedBytes: number;
  /** Absent where reading it would cost a child process per tick (macOS, Windows). */
  swapTotalBytes?: number;
  swapUsedBytes?: number;
}

export interface PlatformSampler {
  /** Every process that could be read. Never throws for per-process failures. */
  readProcesses(): Promise<RawProcess[]>;
  /** Whether readProcesses should also read per-process disk I/O (costs a read per process). */
  setDiskIo(enabled: boolean): void;
  /**
   * The processes whose parent is `pid` at this moment (not as of the last scan). Signalling a
   * tree walks these. On Unix an exited parent's children are reparented at once, so it has
   * none; Windows keeps a dead parent's pid in its children's records, so they are still listed
   * (callers check start times, since that pid may have been reused).
   */
  readChildren(pid: number): Promise<ProcessStat[]>;
  /** The current record of one pid, or undefined if no process holds it (or it is unreadable). */
  readProcess(pid: number): Promise<ProcessStat | undefined>;
  /** Threads of one process, or undefined if the process is gone. */
  readThreads(pid: number): Promise<RawThread[] | undefined>;
  readCpuTimes(): Promise<CoreTimes[]>;
  readMemory(): Promise<MemoryUsage>;
  dispose(): void;
}

/** Epoch ms from the monotonic clock: an NTP step of the wall clock cannot bend an interval. */
export const monotonicEpoch = (): number => performance.timeOrigin + performance.now();

/**
 * Per-core times from libuv, which asks the kernel directly (host_processor_info on macOS,
 * NtQuerySystemInformation on Windows), so it costs no child process.
 */
export function osCpuTimes(): CoreTimes[] {
  return os.cpus().map(({ times }) => {
    const busy = times.user + times.nice + times.sys + times.irq;
    return { busy, total: busy + times.idle };
  });
}

export function osMemory(): MemoryUsage {
  const totalBytes = os.totalmem();
  return { totalBytes, usedBytes: totalBytes - os.freemem() };
}

/** Last path component, for both separators (Windows paths reach the darwin/linux code in tests). */
export function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut < 0 ? path : path.slice(cut + 1);
}
