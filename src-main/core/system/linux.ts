// Linux: read /proc directly. A fork per refresh (ps, top, systeminformation's `cat`s) costs more
// than the whole scan, so every read here is a plain file read into one reused buffer.
//
// Races are the normal case, not the exception: a process can exit between readdir and open, or
// between reading its stat and its status. Every per-process read therefore returns undefined
// instead of throwing, and the caller keeps whatever it already has.

import fs from 'node:fs';
import os from 'node:os';
import {
  baseName,
  monotonicEpoch,
  osMemory,
  type CoreTimes,
  type MemoryUsage,
  type PlatformSampler,
  type ProcessDetails,
  type ProcessStat,
  type RawProcess,
  type RawThread,
} from './sampler';
import { FdBudget, KeptFile, SAME } from './proc-files';

/** The fields of /proc/<pid>/stat (or /proc/<pid>/task/<tid>/stat) that we use. */
export interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
  flags: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  priority: number;
  nice: number;
  threads: number;
  /** Ticks after boot. */
  startTicks: number;
  rssPages: number;
}

/** PF_KTHREAD from include/linux/sched.h: the only reliable way to tell a kernel thread. */
const PF_KTHREAD = 0x00200000;
/** TASK_COMM_LEN - 1: the kernel silently truncates comm to this many bytes. */
const COMM_MAX = 15;

/**
 * comm is whatever the program chose (prctl/PR_SET_NAME), so it may contain spaces and ')'.
 * The kernel writes it between '(' and ')' without escaping, which makes the LAST ')' the
 * only safe end marker.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields 3..24 of proc(5), so rest[0] is field 3 (state); the limit spares ~30 unused strings.
  const rest = text.slice(close + 2).split(' ', 22);
  if (rest.length < 22) return undefined;
  const num = (index: number): number => Number(rest[index]);
  const parsed: ProcStat = {
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: num(1),
    flags: num(6),
    cpuTicks: num(11) + num(12),
    priority: num(15),
    nice: num(16),
    threads: num(17),
    startTicks: num(19),
    rssPages: num(21),
  };
  return Number.isFinite(parsed.cpuTicks) && Number.isFinite(parsed.startTicks)
    ? parsed
    : undefined;
}

/** /proc/<pid>/statm in bytes: the figures ps, top and psutil show as VSZ, RSS and SHR. */
export interface ProcStatm {
  virtualBytes: number;
  residentBytes: number;
  sharedBytes: number;
}

/**
 * statm, not stat's field 24, for resident memory: since Linux 6.2 the RSS counters are per-CPU,
 * and stat reports their cheap approximation while statm and status sum them exactly, so stat
 * disagrees with ps, top and psutil by up to a few hundred KB.
 */
export function parseStatm(text: string, pageSize: number): ProcStatm | undefined {
  const [size, resident, shared] = text.split(' ', 3).map(Number);
  if (size === undefined || resident === undefined || shared === undefined) return undefined;
  if (!Number.isFinite(size) || !Number.isFinite(resident) || !Number.isFinite(shared))
    return undefined;
  return {
    virtualBytes: size * pageSize,
    residentBytes: resident * pageSize,
    sharedBytes: shared * pageSize,
  };
}

/** read_bytes / write_bytes of /proc/<pid>/io: what reached the storage layer, not the cache. */
export function parseProcIo(text: string): { readBytes: number; writeBytes: number } | undefined {
  const read = /^read_bytes: (\d+)$/m.exec(text);
  const write = /^write_bytes: (\d+)$/m.exec(text);
  return read && write ? { readBytes: Number(read[1]), writeBytes: Number(write[1]) } : undefined;
}

/** A children file: the pids of one task's children, space-separated. */
export function parseChildren(text: string): number[] {
  return text
    .split(' ')
    .filter((token) => token !== '' && token !== '\n')
    .map(Number)
    .filter((pid) => Number.isSafeInteger(pid) && pid > 0);
}

/** Per-core lines of /proc/stat (the aggregate `cpu ` line is skipped), in core order. */
export function parseCpuLines(text: string): CoreTimes[] {
  const cores: CoreTimes[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu') || line.startsWith('cpu ')) continue;
    // user nice system idle iowait irq softirq steal; guest time is already inside user.
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      line.split(/\s+/).slice(1, 9).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    cores.push({ busy, total: busy + idle + iowait });
  }
  return cores;
}

export function parseBootTime(text: string): number | undefined {
  const match = /^btime (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function parseMeminfo(text: string): MemoryUsage | undefined {
  const field = (name: string): number | undefined => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const totalBytes = field('MemTotal');
  // MemAvailable counts reclaimable cache; kernels before 3.14 lack it, MemFree is the fallback.
  const available = field('MemAvailable') ?? field('MemFree');
  if (totalBytes === undefined || available === undefined) return undefined;
  const swapTotalBytes = field('SwapTotal');
  const swapFree = field('SwapFree');
  const usage: MemoryUsage = { totalBytes, usedBytes: totalBytes - available };
  if (swapTotalBytes !== undefined && swapFree !== undefined) {
    usage.swapTotalBytes = swapTotalBytes;
    usage.swapUsedBytes = swapTotalBytes - swapFree;
  }
  return usage;
}

/** The effective uid: the one ps and top show, and the one that decides who may signal. */
export function parseStatusUid(text: string): number | undefined {
  const match = /^Uid:\s+\d+\s+(\d+)/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid && !line.startsWith('#')) users.set(Number(uid), name);
  }
  return users;
}

/**
 * NUL-separated argv. A process that rewrote its title (setproctitle) pads the rest of the old
 * argv area with NULs: those trailing empty strings are padding, not arguments, as ps sees it.
 */
export function parseCmdline(text: string): string[] {
  const argv = text.split('\0');
  while (argv.length > 0 && argv[argv.length - 1] === '') argv.pop();
  return argv;
}

/**
 * Page size and USER_HZ are not exposed by Node, but the kernel hands both to every process in
 * its auxiliary vector, which /proc/self/auxv returns as native words.
 */
export function parseAuxv(
  data: Buffer,
  wordBytes: 4 | 8,
  littleEndian: boolean,
): { pageSize?: number; clockTicks?: number } {
  const AT_PAGESZ = 6;
  const AT_CLKTCK = 17;
  const word = (offset: number): number =>
    wordBytes === 8
      ? Number(littleEndian ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset))
      : littleEndian
        ? data.readUInt32LE(offset)
        : data.readUInt32BE(offset);
  const found: { pageSize?: number; clockTicks?: number } = {};
  for (let offset = 0; offset + 2 * wordBytes <= data.length; offset += 2 * wordBytes) {
    const type = word(offset);
    if (type === 0) break;
    if (type === AT_PAGESZ) found.pageSize = word(offset + wordBytes);
    if (type === AT_CLKTCK) found.clockTicks = word(offset + wordBytes);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------

const SCRATCH = Buffer.allocUnsafe(8192);

/** Where a whole-file read gives up: far beyond any real /proc file, short of a memory problem. */
const WHOLE_FILE_LIMIT = 16 * 1024 * 1024;

/**
 * Synchronous open/read/close into one shared buffer: three syscalls and no allocation per file.
 * The async fs API costs several thread-pool round trips per file, which for a thousand tiny
 * /proc files is more CPU than the reads themselves. Callers yield between batches. Up to
 * `limit` bytes: one buffer's worth for the small per-process files, whole for /proc/stat (a
 * line per CPU plus an `intr` line with a counter per interrupt, tens of KB on a big machine,
 * with `btime` after both) and for argv.
 */
function readProc(path: string, limit = SCRATCH.length): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = fs.readSync(fd, SCRATCH, 0, SCRATCH.length, null);
    if (length < SCRATCH.length || limit <= SCRATCH.length)
      return SCRATCH.toString('utf8', 0, length);
    const chunks = [Buffer.from(SCRATCH)];
    let total = length;
    while ((length = fs.readSync(fd, SCRATCH, 0, SCRATCH.length, null)) > 0) {
      if (total + length > limit) break;
      chunks.push(Buffer.from(SCRATCH.subarray(0, length)));
      total += length;
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

const readSmall = (path: string): string | undefined => readProc(path);
const readWhole = (path: string): string | undefined => readProc(path, WHOLE_FILE_LIMIT);

function tryRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Files read between yields: keeps each event-loop block to a couple of milliseconds. */
const BATCH = 256;

/** uid → name from /etc/passwd. NSS sources (LDAP, sssd) are not consulted: the uid is shown. */
class UserNames {
  private names = new Map<number, string>();
  private loadedAt = -Infinity;

  constructor(private readonly passwdPath: string) {
    this.reload(0);
  }

  name(uid: number, now: number): string {
    const known = this.names.get(uid);
    if (known !== undefined) return known;
    // A user created while we run shows up after one re-read; rate-limited because uids with no
    // passwd entry (containers, NSS users) would otherwise trigger a read every tick.
    if (now - this.loadedAt > 10_000) this.reload(now);
    return this.names.get(uid) ?? String(uid);
  }

  private reload(now: number): void {
    this.loadedAt = now;
    this.names = parsePasswd(tryRead(() => fs.readFileSync(this.passwdPath, 'utf8')) ?? '');
    const self = tryRead(() => os.userInfo());
    if (self && !this.names.has(self.uid)) this.names.set(self.uid, self.username);
  }
}

/**
 * btime is derived by the kernel from the wall clock minus uptime, so it shifts when NTP steps
 * the clock. Reading it once per process keeps every start time computed here (and thus every
 * ProcessId, whichever sampler instance made it) stable for the life of the app.
 */
const BOOT_TIMES = new Map<string, number>();

function bootTimeMs(proc: string): number {
  let boot = BOOT_TIMES.get(proc);
  if (boot === undefined) {
    const seconds = parseBootTime(readWhole(`${proc}/stat`) ?? '');
    boot = seconds !== undefined ? seconds * 1000 : Math.round(Date.now() - os.uptime() * 1000);
    BOOT_TIMES.set(proc, boot);
  }
  return boot;
}

interface CachedDetails {
  startTime: number;
  /** The comm the details were read under: a change means the process exec'd. */
  comm: string;
  details: ProcessDetails;
  /** CPU ticks of the process when its argv was last read, and when (sampler clock). */
  commandTicks: number;
  commandReadAt: number;
}

/**
 * A process that rewrites its argv (nginx, postgres, setproctitle) changes its command line but
 * not its comm. It can only do so while it runs, so argv is re-read once a process has used CPU
 * since the last read — at most this often, to keep a busy process from costing a read a tick.
 */
const COMMAND_RECHECK_MS = 2000;
/**
 * A burst shorter than a clock tick may not move the CPU counters, so every process's argv is
 * also re-read once every this many scans, spread by pid so each scan re-reads a small slice.
 */
const COMMAND_SWEEP_SCANS = 30;

/**
 * Resident memory changes when a process runs (its stat then changes too: CPU time, page faults,
 * size), or when the kernel reclaims pages of an idle one, which stat may not show: its RSS is
 * the per-CPU counters' approximation. So statm is read whenever stat changed, and every
 * process's statm every this many scans besides, spread by pid: an idle process's memory is at
 * most that many refreshes late, and half the reads of a scan are saved.
 */
const MEMORY_SWEEP_SCANS = 10;

/**
 * What a scan keeps of each process it has seen, so the next scan can tell what changed. A class
 * with every field set from the start: one object shape for all of them keeps the scan's hot
 * loop monomorphic.
 */
class Tracked {
  /** Only while disk I/O is asked for. */
  io: KeptFile | undefined = undefined;
  memory: ProcStatm | undefined = undefined;
  ioCounters: { readBytes: number; writeBytes: number } | undefined = undefined;
  details: CachedDetails | undefined = undefined;
  /** The row handed out last time; handed out again, as is, while nothing changes. */
  raw: RawProcess | undefined = undefined;

  constructor(
    readonly stat: KeptFile,
    readonly statm: KeptFile,
    public parsed: ProcStat,
    /** The scan that last saw it: the sweep closes the files of processes a scan missed. */
    public scan: number,
  ) {}

  close(): void {
    this.stat.close();
    this.statm.close();
    this.io?.close();
  }
}

export interface LinuxSamplerOptions {
  /** Root of the proc filesystem; tests point this at a fabricated tree. */
  procRoot?: string;
  passwdPath?: string;
  /** Stamps each process's read; the monitor's clock by default. */
  clock?: () => number;
}

export class LinuxSampler implements PlatformSampler {
  private readonly proc: string;
  private readonly pageSize: number;
  private readonly ticksPerSecond: number;
  private readonly bootTimeMs: number;
  private readonly users: UserNames;
  private readonly clock: () => number;
  private readonly fds: FdBudget;
  private readonly tracked = new Map<number, Tracked>();
  private diskIo = false;
  private scans = 0;

  constructor(options: LinuxSamplerOptions = {}) {
    this.proc = options.procRoot ?? '/proc';
    this.clock = options.clock ?? monotonicEpoch;
    this.users = new UserNames(options.passwdPath ?? '/etc/passwd');
    const wordBytes = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'].includes(
      process.arch,
    )
      ? 8
      : 4;
    const auxv = tryRead(() => fs.readFileSync('/proc/self/auxv'));
    const aux = auxv ? parseAuxv(auxv, wordBytes, os.endianness() === 'LE') : {};
    this.pageSize = aux.pageSize ?? 4096;
    // USER_HZ is 100 on every mainstream architecture; the auxv value is authoritative.
    this.ticksPerSecond = aux.clockTicks ?? 100;
    this.bootTimeMs = bootTimeMs(this.proc);
    this.fds = FdBudget.forProcRoot(this.proc);
  }

  async readProcesses(): Promise<RawProcess[]> {
    const now = Date.now();
    const scan = ++this.scans;
    const sweep = scan % COMMAND_SWEEP_SCANS;
    const pids = fs.readdirSync(this.proc).filter(isPidName);
    const rows: RawProcess[] = [];
    for (let index = 0; index < pids.length; index++) {
      if (index > 0 && index % BATCH === 0) await yieldToEventLoop();
      const pid = Number(pids[index]);
      const row = this.readTracked(pid, scan, sweep, now);
      if (row) rows.push(row);
    }
    // Whatever this scan did not see has exited: let its files go.
    for (const [pid, entry] of this.tracked) if (entry.scan !== scan) this.forget(pid, entry);
    if (this.fds.overdrawn) this.releaseFiles();
    return rows;
  }

  setDiskIo(enabled: boolean): void {
    this.diskIo = enabled;
  }

  async readChildren(pid: number): Promise<ProcessStat[]> {
    const children: ProcessStat[] = [];
    for (const child of this.readChildPids(pid)) {
      const stat = this.readStat(`${this.proc}/${child}`);
      if (stat) children.push(this.toProcessStat(child, stat, this.clock()));
    }
    return children;
  }

  async readProcess(pid: number): Promise<ProcessStat | undefined> {
    const stat = this.readStat(`${this.proc}/${pid}`);
    return stat && this.toProcessStat(pid, stat, this.clock());
  }

  async readThreads(pid: number): Promise<RawThread[] | undefined> {
    const taskDir = `${this.proc}/${pid}/task`;
    let tids: string[];
    try {
      tids = fs.readdirSync(taskDir).filter(isPidName);
    } catch (error) {
      return isGone(error) ? undefined : [];
    }
    const threads: RawThread[] = [];
    for (const tid of tids) {
      // Thread stat carries the thread's own comm, so no separate read of task/<tid>/comm.
      const stat = this.readStat(`${taskDir}/${tid}`);
      if (stat)
        threads.push({
          tid: Number(tid),
          name: stat.comm,
          state: stat.state,
          cpuMs: this.ticksToMs(stat.cpuTicks),
        });
    }
    return threads;
  }

  async readCpuTimes(): Promise<CoreTimes[]> {
    return parseCpuLines(readWhole(`${this.proc}/stat`) ?? '');
  }

  async readMemory(): Promise<MemoryUsage> {
    const memory = parseMeminfo(readSmall(`${this.proc}/meminfo`) ?? '');
    return memory ?? osMemory();
  }

  dispose(): void {
    for (const [pid, entry] of this.tracked) this.forget(pid, entry);
  }

  /**
   * One process of a scan. Returns the very object of the last scan when nothing about the
   * process changed but the time of the read: the process table takes that as "idle, as
   * before" and skips it.
   */
  private readTracked(
    pid: number,
    scan: number,
    sweep: number,
    now: number,
  ): RawProcess | undefined {
    let entry = this.tracked.get(pid);
    let statText = entry?.stat.read(SCRATCH);
    if (entry && statText === undefined) {
      // Its process has gone; a new holder of the pid (if any) is read afresh below.
      this.forget(pid, entry);
      entry = undefined;
    }
    if (!entry) {
      const dir = `${this.proc}/${pid}`;
      const stat = new KeptFile(`${dir}/stat`, this.fds);
      statText = stat.read(SCRATCH);
      const parsed = typeof statText === 'string' ? parseProcStat(statText) : undefined;
      // Unreadable stat (exited since readdir, or hidepid) means no start time, hence no identity.
      if (!parsed) {
        stat.close();
        return undefined;
      }
      entry = new Tracked(stat, new KeptFile(`${dir}/statm`, this.fds), parsed, scan);
      this.tracked.set(pid, entry);
      statText = SAME;
    }
    entry.scan = scan;
    // Taken right after the read that gave the CPU time, so the two belong to one instant.
    const sampledAt = this.clock();
    let changed = entry.raw === undefined;
    if (statText !== SAME) {
      const parsed = typeof statText === 'string' ? parseProcStat(statText) : undefined;
      if (!parsed) return undefined;
      entry.parsed = parsed;
      changed = true;
    }
    if (
      changed ||
      entry.memory === undefined ||
      pid % MEMORY_SWEEP_SCANS === scan % MEMORY_SWEEP_SCANS
    ) {
      const statm = entry.statm.read(SCRATCH);
      if (typeof statm === 'string') {
        entry.memory = parseStatm(statm, this.pageSize);
        changed = true;
      }
    }
    if (this.diskIo) {
      entry.io ??= new KeptFile(`${this.proc}/${pid}/io`, this.fds);
      const io = entry.io.read(SCRATCH);
      // Readable for our own processes (or as root); others' stay without figures.
      if (io !== SAME) {
        entry.ioCounters = io === undefined ? undefined : parseProcIo(io);
        changed = true;
      }
    } else if (entry.io) {
      entry.io.close();
      entry.io = undefined;
      entry.ioCounters = undefined;
      changed = true;
    }

    const stat = entry.parsed;
    const startTime = this.startTimeOf(stat);
    let cached = entry.details;
    const before = cached?.details;
    if (!cached || cached.startTime !== startTime || cached.comm !== stat.comm) {
      cached = {
        startTime,
        comm: stat.comm,
        details: this.readDetails(pid, stat, now),
        commandTicks: stat.cpuTicks,
        commandReadAt: sampledAt,
      };
    } else if (
      pid % COMMAND_SWEEP_SCANS === sweep ||
      (stat.cpuTicks !== cached.commandTicks &&
        sampledAt - cached.commandReadAt >= COMMAND_RECHECK_MS)
    ) {
      cached = this.recheckCommand(`${this.proc}/${pid}`, stat, cached, sampledAt);
    }
    entry.details = cached;

    if (!changed && entry.raw && cached.details === before) {
      entry.raw.sampledAt = sampledAt;
      return entry.raw;
    }
    // One literal with every field, in one order: every row shares one object shape.
    const memory = entry.memory;
    const io = entry.ioCounters;
    const details = cached.details;
    const raw: RawProcess = {
      pid,
      ppid: stat.ppid,
      startTime,
      cpuMs: this.ticksToMs(stat.cpuTicks),
      rssBytes: memory ? memory.residentBytes : stat.rssPages * this.pageSize,
      threads: stat.threads,
      nice: stat.nice,
      priority: stat.priority,
      state: stat.state,
      sampledAt,
      virtualBytes: memory?.virtualBytes,
      sharedBytes: memory?.sharedBytes,
      diskReadBytes: io?.readBytes,
      diskWriteBytes: io?.writeBytes,
      name: details.name,
      user: details.user,
      command: details.command,
      exe: details.exe,
      complete: details.complete,
    };
    entry.raw = raw;
    return raw;
  }

  private forget(pid: number, entry: Tracked): void {
    entry.close();
    this.tracked.delete(pid);
  }

  /** The OS ran short of descriptors: give back every kept one (the budget is smaller now). */
  private releaseFiles(): void {
    for (const entry of this.tracked.values()) entry.close();
    this.fds.overdrawn = false;
  }

  private readStat(dir: string): ProcStat | undefined {
    const text = readSmall(`${dir}/stat`);
    return text === undefined ? undefined : parseProcStat(text);
  }

  private toProcessStat(pid: number, stat: ProcStat, sampledAt: number): ProcessStat {
    return {
      pid,
      ppid: stat.ppid,
      startTime: this.startTimeOf(stat),
      cpuMs: this.ticksToMs(stat.cpuTicks),
      // stat's approximation; readProcesses replaces it with statm's exact figure.
      rssBytes: stat.rssPages * this.pageSize,
      threads: stat.threads,
      nice: stat.nice,
      priority: stat.priority,
      state: stat.state,
      sampledAt,
    };
  }

  /**
   * The children of every thread of `pid` (each thread has its own list: a child forked by a
   * worker thread is that thread's). Kernels without CONFIG_PROC_CHILDREN have no such file;
   * there, every process's parent is read instead.
   */
  private readChildPids(pid: number): number[] {
    const taskDir = `${this.proc}/${pid}/task`;
    let tids: string[];
    try {
      tids = fs.readdirSync(taskDir).filter(isPidName);
    } catch {
      return [];
    }
    const pids = new Set<number>();
    for (const tid of tids) {
      const text = readSmall(`${taskDir}/${tid}/children`);
      if (text === undefined) {
        if (fs.existsSync(`${taskDir}/${tid}`)) return this.childPidsByScan(pid);
        continue;
      }
      for (const child of parseChildren(text)) pids.add(child);
    }
    return [...pids];
  }

  private childPidsByScan(pid: number): number[] {
    const found: number[] = [];
    for (const name of tryRead(() => fs.readdirSync(this.proc)) ?? []) {
      if (!isPidName(name)) continue;
      if (this.readStat(`${this.proc}/${name}`)?.ppid === pid) found.push(Number(name));
    }
    return found;
  }

  /** Re-reads only argv: what a process can change about itself without exec. */
  private recheckCommand(
    dir: string,
    stat: ProcStat,
    cached: CachedDetails,
    sampledAt: number,
  ): CachedDetails {
    const updated = { ...cached, commandTicks: stat.cpuTicks, commandReadAt: sampledAt };
    const cmdline = readWhole(`${dir}/cmdline`);
    const argv = parseCmdline(cmdline ?? '');
    // Unreadable now, or emptied by exit: keep what was read before.
    if (argv.length === 0) return updated;
    const command = argv.join(' ');
    if (command === cached.details.command) return updated;
    updated.details = { ...cached.details, name: fullName(stat.comm, argv[0]), command };
    return updated;
  }

  private startTimeOf(stat: ProcStat): number {
    return this.bootTimeMs + Math.round(this.ticksToMs(stat.startTicks));
  }

  private ticksToMs(ticks: number): number {
    return (ticks * 1000) / this.ticksPerSecond;
  }

  private readDetails(pid: number, stat: ProcStat, now: number): ProcessDetails {
    const dir = `${this.proc}/${pid}`;
    const uid = parseStatusUid(readSmall(`${dir}/status`) ?? '');
    // Kernel threads have no argv or executable, and zombies have released both: empty is the
    // truth for them, not a failed read.
    const hollow = (stat.flags & PF_KTHREAD) !== 0 || stat.state === 'Z' || stat.state === 'X';
    const cmdline = readWhole(`${dir}/cmdline`);
    const exe = tryRead(() => fs.readlinkSync(`${dir}/exe`));
    const argv = parseCmdline(cmdline ?? '');
    return {
      name: fullName(stat.comm, argv[0]),
      user: uid === undefined ? '' : this.users.name(uid, now),
      command: argv.length > 0 ? argv.join(' ') : `[${stat.comm}]`,
      exe: exe ?? '',
      complete: uid !== undefined && (hollow || (cmdline !== undefined && exe !== undefined)),
    };
  }
}

function isPidName(name: string): boolean {
  const first = name.charCodeAt(0);
  return first >= 48 && first <= 57;
}

/** comm is cut at 15 bytes; argv[0]'s basename usually holds the untruncated name. */
function fullName(comm: string, argv0: string | undefined): string {
  if (comm.length < COMM_MAX || !argv0) return comm;
  const base = baseName(argv0);
  return base.startsWith(comm) ? base : comm;
}
