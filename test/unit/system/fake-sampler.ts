// A scriptable PlatformSampler: tests set the world, the sampler reports it.

import type {
  CoreTimes,
  MemoryUsage,
  PlatformSampler,
  ProcessStat,
  RawProcess,
  RawThread,
} from '../../../src-main/core/system/sampler';

export function rawProcess(overrides: Partial<RawProcess> & Pick<RawProcess, 'pid'>): RawProcess {
  return {
    ppid: 1,
    startTime: 1_000_000 + overrides.pid,
    cpuMs: 0,
    rssBytes: 4096,
    threads: 1,
    nice: 0,
    priority: 20,
    state: 'S',
    name: `proc${overrides.pid}`,
    user: 'ada',
    command: `proc${overrides.pid} --flag`,
    exe: `/usr/bin/proc${overrides.pid}`,
    complete: true,
    ...overrides,
  };
}

export class FakeSampler implements PlatformSampler {
  processes = new Map<number, RawProcess>();
  threads = new Map<number, RawThread[]>();
  cores: CoreTimes[] = [
    { busy: 0, total: 0 },
    { busy: 0, total: 0 },
  ];
  memory: MemoryUsage = { totalBytes: 8 * 2 ** 30, usedBytes: 2 ** 30 };
  threadReads: number[] = [];
  scans = 0;
  failNext = false;
  disposed = false;
  /** Makes the next readProcesses() wait until the returned function is called. */
  gate: Promise<void> | undefined;

  set(...processes: RawProcess[]): void {
    for (const process of processes) this.processes.set(process.pid, process);
  }

  remove(pid: number): void {
    this.processes.delete(pid);
    this.threads.delete(pid);
  }

  hold(): () => void {
    let release = (): void => undefined;
    this.gate = new Promise((resolve) => (release = resolve));
    return release;
  }

  async readProcesses(): Promise<RawProcess[]> {
    this.scans++;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('scan failed');
    }
    const gate = this.gate;
    this.gate = undefined;
    await gate;
    return [...this.processes.values()].map((process) => ({ ...process }));
  }

  async readProcess(pid: number): Promise<ProcessStat | undefined> {
    return this.processes.get(pid);
  }

  async readThreads(pid: number): Promise<RawThread[] | undefined> {
    this.threadReads.push(pid);
    return this.processes.has(pid) ? (this.threads.get(pid) ?? []) : undefined;
  }

  async readCpuTimes(): Promise<CoreTimes[]> {
    return this.cores.map((core) => ({ ...core }));
  }

  async readMemory(): Promise<MemoryUsage> {
    return this.memory;
  }

  dispose(): void {
    this.disposed = true;
  }
}
