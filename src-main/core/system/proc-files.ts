// The per-process /proc files read every refresh (stat, statm, io), kept open between refreshes.
//
// Opening and closing a /proc file costs more than reading it: of the three syscalls per file,
// open (a path walk and a permission check) is the dearest. A /proc/<pid>/stat that stays open
// gives fresh figures on every read at offset 0, and it stays bound to that one process: once the
// process has gone, reading fails with ESRCH, even if its pid has meanwhile been reused. So
// keeping the descriptor is both cheaper and safer than reopening by pid.
//
// Descriptors are a shared budget: only about half of what the soft RLIMIT_NOFILE leaves is used,
// files beyond it are opened and closed per read as before, and an EMFILE anywhere releases the
// lot. And most processes are idle: a read whose bytes equal the last read's is answered SAME,
// so the caller skips decoding and parsing it.

import fs from 'node:fs';

/** The answer for a file whose content has not changed since the last read. */
export const SAME = Symbol('same');

/** PROC_SUPER_MAGIC: only procfs files stay bound to their process once open. */
const PROC_SUPER_MAGIC = 0x9fa0;
/** Descriptors left to the rest of the app whatever the limit. */
const FD_RESERVE = 256;

/** The soft limit on open files, from /proc/self/limits ("Max open files  1024  4096  files"). */
export function parseOpenFileLimit(text: string): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!match) return undefined;
  return match[1] === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}

export class FdBudget {
  private held = 0;
  /** Set when an open failed with EMFILE: the owner should release every kept file. */
  overdrawn = false;

  constructor(private limit: number) {}

  /** For a directory that is really procfs, half of what the soft limit leaves; else none. */
  static forProcRoot(procRoot: string): FdBudget {
    let isProcfs = false;
    try {
      isProcfs = fs.statfsSync(procRoot).type === PROC_SUPER_MAGIC;
    } catch {
      // No statfs: treat it as a plain directory (tests' fabricated trees are).
    }
    if (!isProcfs) return new FdBudget(0);
    let soft: number | undefined;
    try {
      soft = parseOpenFileLimit(fs.readFileSync('/proc/self/limits', 'utf8'));
    } catch {
      soft = undefined;
    }
    return new FdBudget(Math.max(0, Math.floor(((soft ?? 1024) - FD_RESERVE) / 2)));
  }

  get used(): number {
    return this.held;
  }

  take(): boolean {
    if (this.held >= this.limit) return false;
    this.held++;
    return true;
  }

  give(): void {
    this.held--;
  }

  /** The OS ran out of descriptors: keep fewer from now on. */
  shrink(): void {
    this.overdrawn = true;
    this.limit = Math.floor(this.held / 2);
  }
}

function isFdExhaustion(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EMFILE' || code === 'ENFILE';
}

/** One /proc/<pid>/<file>, read into a shared scratch buffer. */
export class KeptFile {
  private fd = -1;
  private last: Buffer | undefined;

  constructor(
    readonly path: string,
    private readonly budget: FdBudget,
  ) {}

  /** The file's text, SAME if it reads exactly as last time, or undefined if it is unreadable. */
  read(scratch: Buffer): string | typeof SAME | undefined {
    const length = this.fd >= 0 || this.keep() ? this.readKept(scratch) : this.readOnce(scratch);
    if (length === undefined) return undefined;
    const last = this.last;
    if (last?.length === length && scratch.compare(last, 0, length, 0, length) === 0) return SAME;
    this.last = Buffer.from(scratch.subarray(0, length));
    return this.last.toString('utf8');
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // Already closed with the process table's reset; nothing else to do.
    }
    this.fd = -1;
    this.budget.give();
  }

  private keep(): boolean {
    if (!this.budget.take()) return false;
    try {
      this.fd = fs.openSync(this.path, 'r');
      return true;
    } catch (error) {
      this.budget.give();
      if (isFdExhaustion(error)) this.budget.shrink();
      return false;
    }
  }

  private readKept(scratch: Buffer): number | undefined {
    try {
      return fs.readSync(this.fd, scratch, 0, scratch.length, 0);
    } catch {
      // ESRCH: the process this descriptor belongs to has exited.
      this.close();
      return undefined;
    }
  }

  private readOnce(scratch: Buffer): number | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.path, 'r');
    } catch (error) {
      if (isFdExhaustion(error)) this.budget.shrink();
      return undefined;
    }
    try {
      return fs.readSync(fd, scratch, 0, scratch.length, 0);
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }
}
