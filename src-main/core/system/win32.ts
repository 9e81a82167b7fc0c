// Windows: one persistent PowerShell session (see shell-session.ts) answering CIM queries.
// Win32_Process gives every cheap figure in one query; owner and command line are fetched once
// per new process because GetOwner is a method call per process and costs milliseconds each.
// Replies are tab-separated lines with the only free-text field last, so tabs or spaces inside
// names and command lines cannot shift the columns.

import { ShellSession, type ShellDialect } from './shell-session';
import {
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

/** CIM and .NET both count CPU time in 100 ns units. */
const TICKS_PER_MS = 10_000;

const STAT_PROPERTIES =
  'ProcessId,ParentProcessId,CreationDate,UserModeTime,KernelModeTime,WorkingSetSize,ThreadCount,Priority,Name';

/**
 * CreationDate goes out as epoch ms computed inside PowerShell: DateTime formatting differs
 * between Windows PowerShell 5.1 and PowerShell 7, an integer does not. The System Idle Process
 * has no creation date and reports 0.
 */
export function statScript(filter?: string): string {
  const where = filter ? ` -Filter "${filter}"` : '';
  return (
    `Get-CimInstance Win32_Process${where} -Property ${STAT_PROPERTIES} | ForEach-Object { ` +
    `$t = if ($_.CreationDate) { ([DateTimeOffset]$_.CreationDate).ToUnixTimeMilliseconds() } else { 0 }; ` +
    '"$($_.ProcessId)`t$($_.ParentProcessId)`t$t`t$($_.UserModeTime + $_.KernelModeTime)`t' +
    '$($_.WorkingSetSize)`t$($_.ThreadCount)`t$($_.Priority)`t$($_.Name)" }'
  );
}

/** Past this many new processes (the first scan), one unfiltered query beats a huge WQL OR-chain. */
const DETAILS_FILTER_LIMIT = 64;

export function detailsScript(pids: number[]): string {
  const where =
    pids.length > DETAILS_FILTER_LIMIT
      ? ''
      : ` -Filter "${pids.map((pid) => `ProcessId=${pid}`).join(' OR ')}"`;
  return (
    `Get-CimInstance Win32_Process${where} | ForEach-Object { ` +
    `$o = Invoke-CimMethod -InputObject $_ -MethodName GetOwner -ErrorAction SilentlyContinue; ` +
    `$u = if ($o -and $o.ReturnValue -eq 0) { $o.User } else { '' }; ` +
    '"$($_.ProcessId)`t$u`t$($_.ExecutablePath)`t$($_.CommandLine)" }'
  );
}

/**
 * Threads through .NET rather than Win32_Thread: a WQL filter on Win32_Thread still makes the
 * provider enumerate every thread on the machine, Get-Process opens just the one process.
 * Reading a protected process's thread times throws, so each thread is guarded on its own.
 */
export function threadsScript(pid: number): string {
  return (
    `$p = Get-Process -Id ${pid} -ErrorAction SilentlyContinue; ` +
    `if (-not $p) { 'GONE' } else { $p.Threads | ForEach-Object { ` +
    `$c = try { $_.TotalProcessorTime.Ticks } catch { '' }; ` +
    `$w = if ($_.ThreadState -eq 'Wait') { $_.WaitReason } else { '' }; ` +
    '"$($_.Id)`t$c`t$($_.ThreadState)`t$w" } }'
  );
}

export interface Win32StatRow {
  stat: ProcessStat;
  name: string;
}

export function parseWin32Stats(text: string): Win32StatRow[] {
  const rows: Win32StatRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split('\t');
    if (fields.length < 8) continue;
    const [pid, ppid, start, cpu, workingSet, threads, priority] = fields.slice(0, 7).map(Number);
    if (pid === undefined || !Number.isInteger(pid) || Number.isNaN(start)) continue;
    rows.push({
      stat: {
        pid,
        ppid: ppid || 0,
        startTime: start ?? 0,
        cpuMs: (cpu || 0) / TICKS_PER_MS,
        rssBytes: workingSet || 0,
        threads: threads || 0,
        // Windows has priority classes, not nice values; Priority is the base priority (8 = normal).
        nice: 0,
        priority: priority || 0,
        // CIM reports no run state for processes (ExecutionState is always empty).
        state: '?',
      },
      name: fields.slice(7).join('\t'),
    });
  }
  return rows;
}

export interface Win32Details {
  user: string;
  exe: string;
  command: string;
}

export function parseWin32Details(text: string): Map<number, Win32Details> {
  const details = new Map<number, Win32Details>();
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split('\t');
    if (fields.length < 4 || !/^\d+$/.test(fields[0] ?? '')) continue;
    details.set(Number(fields[0]), {
      user: fields[1] ?? '',
      exe: fields[2] ?? '',
      command: fields.slice(3).join('\t'),
    });
  }
  return details;
}

/** Windows thread states in the one-letter vocabulary the UI shares with Unix. */
function threadStateLetter(state: string, waitReason: string): string {
  if (state === 'Wait') return waitReason === 'Suspended' ? 'T' : 'S';
  if (state === 'Running' || state === 'Ready' || state === 'Standby') return 'R';
  if (state === 'Terminated') return 'X';
  if (state === 'Transition') return 'D';
  return '?';
}

/** undefined when the process is gone. */
export function parseWin32Threads(text: string): RawThread[] | undefined {
  const threads: RawThread[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === 'GONE') return undefined;
    const [tid, ticks, state = '', waitReason = ''] = line.split('\t');
    if (!tid || !/^\d+$/.test(tid)) continue;
    threads.push({
      tid: Number(tid),
      // Windows thread descriptions (SetThreadDescription) are not exposed by .NET.
      name: '',
      state: threadStateLetter(state, waitReason),
      cpuMs: ticks ? Number(ticks) / TICKS_PER_MS : 0,
    });
  }
  return threads;
}

export function win32DetailsFor(
  row: Win32StatRow,
  found: Win32Details | undefined,
): ProcessDetails {
  return {
    name: row.name,
    user: found?.user ?? '',
    command: found?.command || row.name,
    exe: found?.exe ?? '',
    // Protected and other users' processes hide their owner, path and command line.
    complete: found !== undefined && found.user !== '' && found.exe !== '' && found.command !== '',
  };
}

export const POWERSHELL: ShellDialect = {
  command: 'powershell.exe',
  args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'],
  preamble:
    "[Console]::OutputEncoding = [Text.Encoding]::UTF8; $ProgressPreference = 'SilentlyContinue'; " +
    "$ErrorActionPreference = 'Stop'",
  frame: (script, endMarker, errorMarker) =>
    `try { ${script} } catch { '${errorMarker} ' + $_.Exception.Message }; '${endMarker}'`,
};

// ---------------------------------------------------------------------------------------------

interface CachedDetails {
  startTime: number;
  details: ProcessDetails;
}

export class Win32Sampler implements PlatformSampler {
  private readonly shell: ShellSession;
  private details = new Map<number, CachedDetails>();

  constructor(dialect: ShellDialect = POWERSHELL) {
    this.shell = new ShellSession(dialect);
  }

  async readProcesses(): Promise<RawProcess[]> {
    const stats = parseWin32Stats(await this.shell.request(statScript()));
    const fresh = stats.filter(
      ({ stat }) => this.details.get(stat.pid)?.startTime !== stat.startTime,
    );
    const found =
      fresh.length > 0
        ? parseWin32Details(
            await this.shell.request(detailsScript(fresh.map(({ stat }) => stat.pid))),
          )
        : undefined;
    const seen = new Map<number, CachedDetails>();
    const rows = stats.map((row): RawProcess => {
      const { pid, startTime } = row.stat;
      const cached = this.details.get(pid);
      const details =
        cached?.startTime === startTime ? cached.details : win32DetailsFor(row, found?.get(pid));
      seen.set(pid, { startTime, details });
      return { ...row.stat, ...details };
    });
    this.details = seen;
    return rows;
  }

  async readProcess(pid: number): Promise<ProcessStat | undefined> {
    const [row] = parseWin32Stats(await this.shell.request(statScript(`ProcessId=${pid}`)));
    return row?.stat.pid === pid ? row.stat : undefined;
  }

  async readChildren(pid: number): Promise<ProcessStat[]> {
    const rows = parseWin32Stats(await this.shell.request(statScript(`ParentProcessId=${pid}`)));
    return rows.map((row) => row.stat);
  }

  /** Not read on Windows yet: Win32_Process counts every I/O (network too), not disk alone. */
  setDiskIo(): void {}

  async readThreads(pid: number): Promise<RawThread[] | undefined> {
    return parseWin32Threads(await this.shell.request(threadsScript(pid)));
  }

  async readCpuTimes(): Promise<CoreTimes[]> {
    return osCpuTimes();
  }

  async readMemory(): Promise<MemoryUsage> {
    return osMemory();
  }

  dispose(): void {
    this.details.clear();
    this.shell.dispose();
  }
}
