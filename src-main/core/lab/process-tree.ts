// Which processes belong to a run right now, seen from outside: the same view for a traced
// Python program and for an uninstrumented one. Not a CPU reader (that is system/probe.ts):
// only membership, parentage, identity and, for a zombie, the exit status it still holds.
//
// Linux walks the tree from the run's root through /proc/<pid>/task/<tid>/children (every
// thread's file: a process forked from a worker thread, as Pool does, is listed under that
// thread only). Elsewhere one `ps` per tick lists the machine, filtered to the run's process
// group. Windows has neither; there a run's processes are known from their tracers alone.

import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface TreeEntry {
  pid: number;
  ppid: number;
  /** With the pid, identifies the process: pids are reused, start times are not. */
  start: string;
  /** Exited but not yet reaped by its parent. */
  zombie: boolean;
  /** A zombie's exit status, where the OS tells it. */
  exit?: ExitStatus;
}

export interface ProcessTreeReader {
  /** The root's descendants and the `known` pids that still exist (reparented orphans too). */
  read(rootPid: number, known: readonly number[]): Promise<TreeEntry[]>;
  /** The command line of a process, read once when it appears. */
  command(pid: number): Promise<string[]>;
}

export function createProcessTreeReader(
  platform: NodeJS.Platform = process.platform,
): ProcessTreeReader {
  if (platform === 'linux') return new ProcTreeReader();
  if (platform === 'win32') return { read: async () => [], command: async () => [] };
  return new PsTreeReader();
}

const SIGNAL_NAMES = new Map(
  Object.entries(os.constants.signals).map(([name, number]) => [number, name]),
);

export function signalName(signal: number): string {
  return SIGNAL_NAMES.get(signal) ?? `SIG${signal}`;
}

/** A waitpid(2) status word, as /proc/<pid>/stat's exit_code field holds it. */
export function decodeWaitStatus(status: number): ExitStatus {
  const signal = status & 0x7f;
  return signal === 0
    ? { code: (status >> 8) & 0xff, signal: null }
    : { code: null, signal: signalName(signal) };
}

class ProcTreeReader implements ProcessTreeReader {
  async read(rootPid: number, known: readonly number[]): Promise<TreeEntry[]> {
    const found = new Map<number, TreeEntry>();
    let level = [rootPid, ...known];
    while (level.length > 0) {
      const fresh = [...new Set(level)].filter((pid) => !found.has(pid));
      const entries = await Promise.all(fresh.map((pid) => readStat(pid)));
      const next: Promise<number[]>[] = [];
      for (const entry of entries) {
        if (!entry) continue;
        found.set(entry.pid, entry);
        if (!entry.zombie) next.push(readChildren(entry.pid));
      }
      level = (await Promise.all(next)).flat();
    }
    return [...found.values()];
  }

  async command(pid: number): Promise<string[]> {
    const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return text.split('\0').filter((arg) => arg !== '');
  }
}

async function readStat(pid: number): Promise<TreeEntry | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // comm may contain spaces and parentheses: the last ')' ends it. fields[0] is field 3.
  const fields = text?.slice(text.lastIndexOf(')') + 2).split(' ');
  if (!fields || fields.length < 20) return undefined;
  const zombie = fields[0] === 'Z';
  // Field 52, exit_code (Linux 3.5+), meaningful once the process has exited.
  const status = Number(fields[49]);
  return {
    pid,
    ppid: Number(fields[1]),
    start: fields[19] ?? '',
    zombie,
    ...(zombie && Number.isFinite(status) ? { exit: decodeWaitStatus(status) } : {}),
  };
}

async function readChildren(pid: number): Promise<number[]> {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(
    tids.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')),
  );
  return lists.flatMap((list) => list.split(' ').filter(Boolean).map(Number));
}

class PsTreeReader implements ProcessTreeReader {
  async read(rootPid: number, known: readonly number[]): Promise<TreeEntry[]> {
    const text = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart=']);
    const rows = text
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((cells) => cells.length >= 9);
    const members = new Set(known);
    members.add(rootPid);
    // Whoever is in the run's process group, plus descendants that changed group.
    for (const [pid, , pgid] of rows) if (Number(pgid) === rootPid) members.add(Number(pid));
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, ppid] of rows) {
        if (members.has(Number(ppid)) && !members.has(Number(pid))) {
          members.add(Number(pid));
          grew = true;
        }
      }
    }
    return rows
      .filter(([pid]) => members.has(Number(pid)))
      .map(([pid, ppid, , stat, ...start]) => ({
        pid: Number(pid),
        ppid: Number(ppid),
        start: start.join(' '),
        zombie: (stat ?? '').includes('Z'),
      }));
  }

  async command(pid: number): Promise<string[]> {
    const text = await run('ps', ['-o', 'command=', '-p', String(pid)]).catch(() => '');
    return text.trim().split(/\s+/).filter(Boolean);
  }
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve(stdout);
      },
    );
  });
}
