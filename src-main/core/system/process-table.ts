// The platform-neutral process table: htop's mark-and-sweep over rows keyed by (pid, start time).
// Every refresh marks the rows it saw; rows left unmarked have exited and are swept out. Keying
// by start time as well as pid is what makes a recycled pid a new row (vanished + appeared)
// rather than a continuation that would inherit the old process's CPU baseline and history.

import { processId, type ProcessId, type ProcessRow } from '../../common/system';
import type { RawProcess } from './sampler';

export interface TableChanges {
  /** Rows that appeared or whose figures changed. */
  upserts: ProcessRow[];
  removed: ProcessId[];
  appeared: ProcessRow[];
  vanished: ProcessRow[];
}

interface Entry {
  row: ProcessRow;
  /** Cumulative CPU and disk counters at the last sample: the baselines for the next deltas. */
  cpuMs: number;
  diskReadBytes: number | undefined;
  diskWriteBytes: number | undefined;
  sampledAt: number;
  generation: number;
}

/** How many vanished rows are remembered, so late questions about them can still name them. */
const TOMBSTONES = 256;

/** CPU% is shown to one decimal; finer jitter would turn every row into an upsert every tick. */
const roundTenth = (value: number): number => Math.round(value * 10) / 10;

function sameFigures(a: ProcessRow, b: ProcessRow): boolean {
  return (
    a.cpu === b.cpu &&
    a.cpuTimeMs === b.cpuTimeMs &&
    a.rssBytes === b.rssBytes &&
    a.virtualBytes === b.virtualBytes &&
    a.sharedBytes === b.sharedBytes &&
    a.diskReadRate === b.diskReadRate &&
    a.diskWriteRate === b.diskWriteRate &&
    a.threads === b.threads &&
    a.state === b.state &&
    a.ppid === b.ppid &&
    a.nice === b.nice &&
    a.priority === b.priority &&
    a.name === b.name &&
    a.user === b.user &&
    a.command === b.command &&
    a.exe === b.exe &&
    a.complete === b.complete
  );
}

export class ProcessTable {
  private readonly entries = new Map<ProcessId, Entry>();
  /**
   * Entries by the sampler's row object. A sampler hands out the same object again for a
   * process of which nothing changed but the time of the read; an idle row then costs a lookup.
   */
  private readonly byRaw = new WeakMap<RawProcess, Entry>();
  /** Recently vanished rows, oldest first; Map insertion order makes it a FIFO. */
  private readonly tombstones = new Map<ProcessId, ProcessRow>();
  private generation = 0;

  get size(): number {
    return this.entries.size;
  }

  /**
   * `at` is the refresh's time; a process read on its own carries its own `sampledAt`, and its
   * CPU% is measured between its own two reads.
   */
  update(processes: RawProcess[], at: number): TableChanges {
    const generation = ++this.generation;
    const changes: TableChanges = { upserts: [], removed: [], appeared: [], vanished: [] };
    for (const raw of processes) {
      const known = this.byRaw.get(raw);
      if (
        known &&
        known.generation !== generation &&
        known.row.cpu === 0 &&
        !known.row.diskReadRate &&
        !known.row.diskWriteRate &&
        this.entries.get(known.row.id) === known
      ) {
        // Idle before and idle now: nothing to tell anyone, only the baseline's time moves on.
        known.sampledAt = raw.sampledAt ?? at;
        known.generation = generation;
        continue;
      }
      const id = processId(raw);
      const entry = this.entries.get(id);
      // A pid listed twice in one scan (a race inside the platform read) counts once.
      if (entry?.generation === generation) continue;
      const sampledAt = raw.sampledAt ?? at;
      const elapsed = entry ? sampledAt - entry.sampledAt : 0;
      const cpu = entry ? percentOfCore(raw.cpuMs - entry.cpuMs, elapsed) : 0;
      const row = toRow(
        id,
        raw,
        cpu,
        ratePerSecond(raw.diskReadBytes, entry?.diskReadBytes, elapsed),
        ratePerSecond(raw.diskWriteBytes, entry?.diskWriteBytes, elapsed),
      );
      if (!entry) {
        changes.appeared.push(row);
        changes.upserts.push(row);
      } else if (!sameFigures(entry.row, row)) {
        changes.upserts.push(row);
      }
      const next: Entry = {
        row,
        cpuMs: raw.cpuMs,
        diskReadBytes: raw.diskReadBytes,
        diskWriteBytes: raw.diskWriteBytes,
        sampledAt,
        generation,
      };
      this.entries.set(id, next);
      this.byRaw.set(raw, next);
    }
    for (const [id, entry] of this.entries) {
      if (entry.generation === generation) continue;
      this.entries.delete(id);
      this.bury(entry.row);
      changes.removed.push(id);
      changes.vanished.push(entry.row);
    }
    return changes;
  }

  get(id: ProcessId): ProcessRow | undefined {
    return this.entries.get(id)?.row;
  }

  /** A live row, or the last known row of one that vanished recently. */
  recall(id: ProcessId): ProcessRow | undefined {
    return this.get(id) ?? this.tombstones.get(id);
  }

  rows(): ProcessRow[] {
    return Array.from(this.entries.values(), (entry) => entry.row);
  }

  private bury(row: ProcessRow): void {
    this.tombstones.set(row.id, row);
    for (const id of this.tombstones.keys()) {
      if (this.tombstones.size <= TOMBSTONES) break;
      this.tombstones.delete(id);
    }
  }

  threadCount(): number {
    let threads = 0;
    for (const { row } of this.entries.values()) threads += row.threads;
    return threads;
  }

  /** Descendants of a row, each before its own descendants (pre-order); the row itself excluded. */
  descendants(id: ProcessId): ProcessRow[] {
    const root = this.get(id);
    if (!root) return [];
    const children = new Map<number, ProcessRow[]>();
    for (const { row } of this.entries.values()) {
      const siblings = children.get(row.ppid);
      if (siblings) siblings.push(row);
      else children.set(row.ppid, [row]);
    }
    const found: ProcessRow[] = [];
    const visit = (parent: ProcessRow): void => {
      for (const child of children.get(parent.pid) ?? []) {
        // A child cannot predate its parent. An older row naming this pid as parent belongs to a
        // previous holder of the pid, seen in a scan that raced with its reparenting.
        if (child.startTime < parent.startTime || child.id === parent.id) continue;
        found.push(child);
        visit(child);
      }
    };
    visit(root);
    return found;
  }
}

/** Percent of ONE core: a process keeping two cores busy reads 200. */
export function percentOfCore(cpuDeltaMs: number, wallDeltaMs: number): number {
  if (wallDeltaMs <= 0 || cpuDeltaMs <= 0) return 0;
  return roundTenth((cpuDeltaMs / wallDeltaMs) * 100);
}

/** Bytes per second between two cumulative counters; undefined unless both were read. */
function ratePerSecond(
  now: number | undefined,
  before: number | undefined,
  elapsedMs: number,
): number | undefined {
  if (now === undefined || before === undefined || elapsedMs <= 0) return undefined;
  return Math.round((Math.max(0, now - before) * 1000) / elapsedMs);
}

function toRow(
  id: ProcessId,
  raw: RawProcess,
  cpu: number,
  diskReadRate: number | undefined,
  diskWriteRate: number | undefined,
): ProcessRow {
  // Every field in one literal, in one order, so all rows share one object shape; fields a
  // platform does not report stay undefined, which JSON leaves out of the tick.
  return {
    id,
    pid: raw.pid,
    startTime: raw.startTime,
    ppid: raw.ppid,
    name: raw.name,
    user: raw.user,
    state: raw.state,
    cpu,
    // Whole milliseconds: finer jitter (Windows' 100 ns units) is not worth an upsert.
    cpuTimeMs: Math.round(raw.cpuMs),
    rssBytes: raw.rssBytes,
    virtualBytes: raw.virtualBytes,
    sharedBytes: raw.sharedBytes,
    diskReadRate,
    diskWriteRate,
    threads: raw.threads,
    nice: raw.nice,
    priority: raw.priority,
    command: raw.command,
    exe: raw.exe,
    complete: raw.complete,
  };
}
