// A run seen from the OS, every ~200 ms while it is live: which processes appeared and exited
// (mark-and-sweep against the previous tick, so an uninstrumented program gets a lifecycle too),
// how much CPU each process and thread used since the previous tick, and how busy each core of
// the machine was meanwhile.

import type { CpuSampleProcess, LabEventInput } from '../../common/lab';
import { CpuMeter } from '../system/load';
import type { ProbeSample } from '../system/probe';
import type { CoreTimes } from '../system/sampler';
import type { ExitStatus, ProcessTreeReader, TreeEntry } from './process-tree';

export type ProcessProbe = (pids: number[]) => Promise<Map<number, ProbeSample>>;
/** Cumulative times of every logical core of the machine. */
export type CoreReader = () => Promise<CoreTimes[]>;

export interface ObserverOptions {
  tree: ProcessTreeReader;
  probe: ProcessProbe;
  /** Without one, samples carry no per-core figures. */
  cores?: CoreReader;
  intervalMs: number;
  /** Microseconds since the run started. */
  now(): number;
  emit(event: LabEventInput): void;
}

interface Live {
  /** Unknown until a tick has seen the process (a tracer may announce it first). */
  start: string | undefined;
}

interface CpuMark {
  at: number;
  cpuMs: number;
  threads: Map<number, number>;
}

export class RunObserver {
  private root = 0;
  private readonly live = new Map<number, Live>();
  // Exited processes, by pid and start time, so a zombie is not announced again next tick.
  private readonly gone = new Set<string>();
  private readonly exitHints = new Map<number, ExitStatus>();
  /** Every pid that appeared in this run. */
  private readonly seen = new Set<number>();
  private cpu = new Map<number, CpuMark>();
  private readonly coreMeter = new CpuMeter();
  /** When the cores were last read, and how many there were. */
  private coreMark: { at: number; count: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ObserverOptions) {}

  /** `t`: when the root started, as the watchdog measured it. */
  start(rootPid: number, parentPid: number, command: string[], t: number): void {
    this.root = rootPid;
    // Its tracer may have said hello before the watchdog reported the pid.
    if (!this.live.has(rootPid)) this.appear(rootPid, parentPid, command, 'os', undefined, t);
    // A baseline now, so the first tick already says how busy the cores were.
    void this.readCores();
    this.schedule();
  }

  /**
   * A tracer told of a process (its own hello, a child it started): it appears now, without
   * waiting for the next tick; unless it was seen already (it may even be gone by now).
   */
  noteProcess(pid: number, ppid: number, command: string[]): void {
    if (!this.seen.has(pid) && !this.stopped) this.appear(pid, ppid, command, 'tracer', undefined);
  }

  /** An exit status learnt elsewhere (a tracer's mp.exit), used when the process vanishes. */
  hintExit(pid: number, status: ExitStatus): void {
    this.exitHints.set(pid, status);
  }

  /** The watchdog reaped the root: its status and time are exact. */
  rootExited(status: ExitStatus, t: number): void {
    if (this.live.has(this.root)) this.exit(this.root, status, t);
  }

  has(pid: number): boolean {
    return this.live.has(pid);
  }

  pids(): number[] {
    return [...this.live.keys()];
  }

  /** Stop ticking; every process still believed alive is reported exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    for (const pid of [...this.live.keys()]) this.exit(pid, undefined);
  }

  /** Look now (a process is probably gone) instead of at the next tick. */
  refresh(): void {
    if (this.stopped || this.ticking || this.root === 0) return;
    clearTimeout(this.timer);
    // Membership only: a CPU sample over a few milliseconds would be mostly noise.
    this.runTick(false);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.runTick(true), this.options.intervalMs);
  }

  private runTick(sampleCpu: boolean): void {
    this.ticking = this.tick(sampleCpu).finally(() => {
      this.ticking = undefined;
      this.schedule();
    });
  }

  private async tick(sampleCpu: boolean): Promise<void> {
    let entries: TreeEntry[];
    try {
      entries = await this.options.tree.read(this.root, [...this.live.keys()]);
    } catch {
      return; // `ps` failed to run this time; the next tick will look again.
    }
    if (this.stopped) return;
    const fresh = this.sweep(entries);
    // Commands are read once per process, when it appears (btop's rule: the expensive read once).
    const commands = await Promise.all(fresh.map((entry) => this.options.tree.command(entry.pid)));
    if (this.stopped) return;
    fresh.forEach((entry, index) => {
      if (this.live.has(entry.pid)) return; // its tracer said hello in the meantime
      this.appear(entry.pid, entry.ppid, commands[index] ?? [], 'os', entry.start);
      if (entry.zombie) this.exit(entry.pid, entry.exit);
    });
    if (sampleCpu) await this.sampleCpu();
  }

  /** Report the processes that are gone; return the ones never seen before, parents first. */
  private sweep(entries: TreeEntry[]): TreeEntry[] {
    const seen = new Map(entries.map((entry) => [entry.pid, entry]));
    for (const [pid, live] of this.live) {
      // The root's exit is reported by the watchdog, which reaped it and knows its status.
      if (pid === this.root) continue;
      const entry = seen.get(pid);
      const sameProcess = entry && (live.start === undefined || live.start === entry.start);
      if (!sameProcess || entry.zombie) this.exit(pid, sameProcess ? entry.exit : undefined);
      else live.start = entry.start;
    }
    const members = new Set([this.root, ...this.live.keys()]);
    const fresh: TreeEntry[] = [];
    for (const entry of entries) {
      if (this.live.has(entry.pid) || this.gone.has(`${entry.pid}:${entry.start}`)) continue;
      // A pid we passed in as known but that another process now holds is not ours.
      if (entry.pid !== this.root && !members.has(entry.ppid)) continue;
      members.add(entry.pid);
      fresh.push(entry);
    }
    return fresh;
  }

  private appear(
    pid: number,
    ppid: number,
    command: string[],
    source: 'os' | 'tracer',
    start: string | undefined,
    t = this.options.now(),
  ): void {
    this.live.set(pid, { start });
    this.seen.add(pid);
    this.options.emit({ kind: 'proc.appeared', t, pid, ppid, command, source });
  }

  private exit(pid: number, status: ExitStatus | undefined, t = this.options.now()): void {
    const live = this.live.get(pid);
    if (!live) return;
    this.live.delete(pid);
    this.cpu.delete(pid);
    if (live.start !== undefined) this.gone.add(`${pid}:${live.start}`);
    const known = status ?? this.exitHints.get(pid);
    this.exitHints.delete(pid);
    this.options.emit({
      kind: 'proc.exited',
      t,
      pid,
      exitCode: known?.code ?? null,
      signal: known?.signal ?? null,
    });
  }

  private async sampleCpu(): Promise<void> {
    const pids = [...this.live.keys()];
    const [samples, cores] = await Promise.all([
      // A failed probe keeps the previous marks: the next tick is a rate against them.
      this.options.probe(pids).catch(() => undefined),
      this.readCores(),
    ]);
    const at = performance.now();
    const next = new Map<number, CpuMark>();
    const procs: CpuSampleProcess[] = [];
    let intervalMs = cores?.elapsedMs ?? 0;
    for (const [pid, sample] of samples ?? []) {
      if (!this.live.has(pid)) continue;
      const threads = new Map(sample.threads.map((thread) => [thread.tid, thread.cpuMs]));
      next.set(pid, { at, cpuMs: sample.cpuMs, threads });
      const previous = this.cpu.get(pid);
      if (!previous) continue; // A first sample has nothing to be a rate against.
      const elapsed = at - previous.at;
      if (elapsed <= 0) continue;
      intervalMs = Math.max(intervalMs, elapsed);
      procs.push({
        pid,
        cpu: percent(sample.cpuMs - previous.cpuMs, elapsed),
        threads: sample.threads
          .filter((thread) => previous.threads.has(thread.tid))
          .map((thread) => ({
            tid: thread.tid,
            cpu: percent(thread.cpuMs - (previous.threads.get(thread.tid) ?? 0), elapsed),
          })),
      });
    }
    if (samples) this.cpu = next;
    if ((procs.length > 0 || cores) && !this.stopped) {
      this.options.emit({
        kind: 'cpu.sample',
        t: this.options.now(),
        intervalMs: Math.round(intervalMs),
        procs,
        ...(cores ? { cores: cores.busy } : {}),
      });
    }
  }

  /**
   * Reads the cores and says how busy each was since the previous reading; undefined for the
   * first reading (nothing to be a rate against), when the set of cores changed (one went
   * offline: the indices no longer line up), or when they cannot be read.
   */
  private async readCores(): Promise<{ busy: number[]; elapsedMs: number } | undefined> {
    if (!this.options.cores) return undefined;
    let times: CoreTimes[];
    try {
      times = await this.options.cores();
    } catch {
      return undefined;
    }
    const at = performance.now();
    const previous = this.coreMark;
    this.coreMark = { at, count: times.length };
    const load = this.coreMeter.update(times);
    if (!previous || previous.count !== times.length || times.length === 0) return undefined;
    return { busy: load.perCore, elapsedMs: at - previous.at };
  }
}

/** Percent of one core, to a tenth. */
function percent(cpuMs: number, elapsedMs: number): number {
  return Math.round((Math.max(0, cpuMs) / elapsedMs) * 1000) / 10;
}
