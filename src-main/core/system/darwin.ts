// macOS: no /proc, and the task_info/proc_pidinfo calls need a native addon, so one batched
// `ps` per tick reads every process. Only the last column of ps output may contain spaces, so
// the variable-width fields (command name, executable path, argv) each need their own column
// position; the path and argv are fetched once per new process, like the Linux details.

import { runTool } from './exec';
import {
  baseName,
  osCpuTimes,
  osMemory,
  type CoreTimes,
  type MemoryUsage,
  type PlatformSampler,
  type ProcessDetails,
  type ProcessStat,
  type RawProcess,
  type RawThread,
} from './sampler';

/** Everything cheap in one pass; `ucomm` (the 16-character accounting name) goes last. */
export const PS_STAT_COLUMNS = 'pid=,ppid=,lstart=,time=,rss=,nice=,pri=,state=,user=,ucomm=';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `lstart` in the C locale: "Tue Nov 25 15:54:01 2025", local time, one-second resolution. That
 * resolution is enough for identity: a pid is not recycled within the same second in practice.
 */
export function parseLstart(tokens: string[]): number | undefined {
  const [, monthName, day, clock, year] = tokens;
  const month = MONTHS.indexOf(monthName ?? '');
  const [hours, minutes, seconds] = (clock ?? '').split(':').map(Number);
  if (month < 0 || hours === undefined || minutes === undefined || seconds === undefined)
    return undefined;
  const time = new Date(Number(year), month, Number(day), hours, minutes, seconds).getTime();
  return Number.isNaN(time) ? undefined : time;
}

/** ps CPU times: "0:00.27", "2230:54.68" (minutes grow unbounded), "1:02:03", "2-01:00:00". */
export function parseCpuTime(text: string): number | undefined {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!match) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return (
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Math.round(Number(seconds) * 1000)
  );
}

function toInt(text: string | undefined): number {
  const value = Number.parseInt(text ?? '', 10);
  return Number.isNaN(value) ? 0 : value;
}

export interface DarwinStatRow {
  stat: ProcessStat;
  /** The accounting name: a placeholder until the executable path has been read. */
  ucomm: string;
  user: string;
}

/** One line of `ps -o ${PS_STAT_COLUMNS}`. */
export function parseDarwinStatLine(line: string): DarwinStatRow | undefined {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length < 14 || !/^\d+$/.test(tokens[0] ?? '')) return undefined;
  const startTime = parseLstart(tokens.slice(2, 7));
  const cpuMs = parseCpuTime(tokens[7] ?? '');
  if (startTime === undefined || cpuMs === undefined) return undefined;
  return {
    stat: {
      pid: toInt(tokens[0]),
      ppid: toInt(tokens[1]),
      startTime,
      cpuMs,
      rssBytes: toInt(tokens[8]) * 1024,
      // ps has no thread-count column; the -M table fills this in.
      threads: 1,
      nice: toInt(tokens[9]),
      priority: toInt(tokens[10]),
      // STAT carries flags after the state letter ("Ss", "R+", "U<").
      state: (tokens[11] ?? '?').charAt(0) || '?',
    },
    user: tokens[12] ?? '',
    ucomm: tokens.slice(13).join(' '),
  };
}

export function parseDarwinStats(text: string): DarwinStatRow[] {
  return text
    .split('\n')
    .map(parseDarwinStatLine)
    .filter((row) => row !== undefined);
}

/** `ps -o pid=,<one variable-width column>=`: pid → the rest of the line. */
export function parsePidColumn(text: string): Map<number, string> {
  const values = new Map<number, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+) ?(.*)$/.exec(line);
    if (match) values.set(Number(match[1]), (match[2] ?? '').trim());
  }
  return values;
}

export interface DarwinThreadLine {
  pid: number;
  state: string;
  cpuMs: number;
}

/**
 * `ps -M` prints one row per thread. The first row of a process carries USER, TT and COMMAND;
 * the rows after it leave those blank, so column positions differ. The regex anchors on the
 * pid and the %CPU figure that both shapes share. macOS ps exposes neither thread ids nor names.
 */
const THREAD_ROW = /^\s*(?:\S+\s+)?(\d+)\s+(?:\S+\s+)?\d+(?:\.\d+)?\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)/;

export function parseDarwinThreadTable(text: string): DarwinThreadLine[] {
  const threads: DarwinThreadLine[] = [];
  for (const line of text.split('\n')) {
    const match = THREAD_ROW.exec(line);
    if (!match) continue;
    const system = parseCpuTime(match[3] ?? '');
    const user = parseCpuTime(match[4] ?? '');
    if (system === undefined || user === undefined) continue;
    threads.push({
      pid: Number(match[1]),
      state: (match[2] ?? '?').charAt(0),
      cpuMs: system + user,
    });
  }
  return threads;
}

export function countThreads(lines: DarwinThreadLine[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { pid } of lines) counts.set(pid, (counts.get(pid) ?? 0) + 1);
  return counts;
}

export function darwinThreadsOf(pid: number, lines: DarwinThreadLine[]): RawThread[] {
  return lines
    .filter((line) => line.pid === pid)
    .map((line, index) => ({ tid: index + 1, name: '', state: line.state, cpuMs: line.cpuMs }));
}

export function darwinDetails(
  row: DarwinStatRow,
  path: string | undefined,
  args: string | undefined,
): ProcessDetails {
  return {
    name: path ? baseName(path) : row.ucomm,
    user: row.user,
    command: args || row.ucomm,
    exe: path ?? '',
    complete: path !== undefined && args !== undefined,
  };
}

// ---------------------------------------------------------------------------------------------

interface CachedDetails {
  startTime: number;
  details: ProcessDetails;
}

const PS = '/bin/ps';

/** How ps is run; tests substitute recorded output. */
export type RunTool = (file: string, args: string[]) => Promise<string>;

export class DarwinSampler implements PlatformSampler {
  private details = new Map<number, CachedDetails>();

  constructor(private readonly run: RunTool = runTool) {}

  async readProcesses(): Promise<RawProcess[]> {
    const [statText, threadText] = await Promise.all([
      this.run(PS, ['-axww', '-o', PS_STAT_COLUMNS]),
      this.run(PS, ['-AM']),
    ]);
    const stats = parseDarwinStats(statText);
    const threadCounts = countThreads(parseDarwinThreadTable(threadText));
    const fresh = stats.filter(
      ({ stat }) => this.details.get(stat.pid)?.startTime !== stat.startTime,
    );
    const fetched = await this.fetchDetails(fresh);
    const seen = new Map<number, CachedDetails>();
    const rows = stats.map((row): RawProcess => {
      const { pid, startTime } = row.stat;
      const details =
        (fetched.get(pid) ?? this.details.get(pid))?.details ??
        darwinDetails(row, undefined, undefined);
      seen.set(pid, { startTime, details });
      return { ...row.stat, threads: threadCounts.get(pid) ?? row.stat.threads, ...details };
    });
    this.details = seen;
    return rows;
  }

  async readProcess(pid: number): Promise<ProcessStat | undefined> {
    const [row] = parseDarwinStats(
      await this.run(PS, ['-ww', '-o', PS_STAT_COLUMNS, '-p', String(pid)]),
    );
    return row?.stat.pid === pid ? row.stat : undefined;
  }

  async readChildren(pid: number): Promise<ProcessStat[]> {
    const rows = parseDarwinStats(await this.run(PS, ['-axww', '-o', PS_STAT_COLUMNS]));
    return rows.filter((row) => row.stat.ppid === pid).map((row) => row.stat);
  }

  /** macOS `ps` has no per-process disk I/O counters (they need proc_pid_rusage, a native call). */
  setDiskIo(): void {}

  async readThreads(pid: number): Promise<RawThread[] | undefined> {
    const threads = darwinThreadsOf(
      pid,
      parseDarwinThreadTable(await this.run(PS, ['-M', '-p', String(pid)])),
    );
    return threads.length > 0 ? threads : undefined;
  }

  async readCpuTimes(): Promise<CoreTimes[]> {
    return osCpuTimes();
  }

  async readMemory(): Promise<MemoryUsage> {
    return osMemory();
  }

  dispose(): void {
    this.details.clear();
  }

  /** Two more `ps` runs, only when processes appeared: executable paths and argv. */
  private async fetchDetails(rows: DarwinStatRow[]): Promise<Map<number, CachedDetails>> {
    const fetched = new Map<number, CachedDetails>();
    if (rows.length === 0) return fetched;
    const pids = rows.map(({ stat }) => stat.pid).join(',');
    const [paths, args] = await Promise.all([
      this.run(PS, ['-ww', '-o', 'pid=,comm=', '-p', pids]).then(parsePidColumn),
      this.run(PS, ['-ww', '-o', 'pid=,args=', '-p', pids]).then(parsePidColumn),
    ]);
    for (const row of rows) {
      const { pid, startTime } = row.stat;
      fetched.set(pid, { startTime, details: darwinDetails(row, paths.get(pid), args.get(pid)) });
    }
    return fetched;
  }
}
