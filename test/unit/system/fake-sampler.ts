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

  /**
   * What SIGSTOP and SIGCONT do to a process's state, so a tree walk that waits for its members
   * to stop sees them stop. Other signals change nothing here; tests remove processes themselves.
   */
  signal(pid: number, signal: NodeJS.Signals): void {
    const process = this.processes.get(pid);
    if (!process) throw Object.assign(new Error(`kill ESRCH ${pid}`), { code: 'ESRCH' });
    if (signal === 'SIGSTOP') process.state = 'T';
    else if (signal === 'SIGCONT' && process.state === 'T') process.state = 'S';
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

  diskIo = false;

  setDiskIo(enabled: boolean): void {
    this.diskIo = enabled;
  }

  async readChildren(pid: number): Promise<ProcessStat[]> {
    return [...this.processes.values()].filter((process) => process.ppid === pid);
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
