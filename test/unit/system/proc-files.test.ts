// Kept /proc descriptors: fresh figures on every read, SAME for an unchanged file, bound to their
// process (a reused pid never answers through an old descriptor), and a budget that holds.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FdBudget,
  KeptFile,
  SAME,
  parseOpenFileLimit,
} from '../../../src-main/core/system/proc-files';

const scratch = Buffer.alloc(8192);

/** Our descriptors open on `path`. */
function descriptorsOn(path: string): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // The listing's own descriptor, closed by now.
    }
  }
  return count;
}

describe.runIf(process.platform === 'linux')('kept /proc files', () => {
  it('read fresh each time from one descriptor, and SAME when nothing changed', async () => {
    const child = spawn(
      'python3',
      [
        '-c',
        'import sys; print("ready", flush=True); sys.stdin.readline(); x = sum(range(10**7)); sys.stdin.readline()',
      ],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    await once(child.stdout!, 'data');
    const budget = FdBudget.forProcRoot('/proc');
    const path = `/proc/${child.pid}/stat`;
    const stat = new KeptFile(path, budget);
    const first = stat.read(scratch);
    expect(typeof first).toBe('string');
    expect(budget.used).toBe(1);
    expect(descriptorsOn(path)).toBe(1);
    // Idle (blocked on stdin): byte for byte the same, so SAME, and no new descriptor.
    // (The first reads may still see it settling after its print.)
    let idle: unknown;
    for (let tries = 0; tries < 20 && idle !== SAME; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      idle = stat.read(scratch);
    }
    expect(idle).toBe(SAME);
    child.stdin!.write('\n');
    let changed: unknown = SAME;
    for (let tries = 0; tries < 100 && changed === SAME; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      changed = stat.read(scratch);
    }
    expect(typeof changed).toBe('string');
    expect(changed).not.toBe(first);
    expect(descriptorsOn(path)).toBe(1);

    child.kill('SIGKILL');
    await once(child, 'exit');
    // Reaped: the descriptor answers ESRCH, is closed and gives its place back.
    expect(stat.read(scratch)).toBeUndefined();
    expect(budget.used).toBe(0);
    expect(descriptorsOn(path)).toBe(0);
  });

  it('opens and closes per read past the budget, and a directory that is not procfs gets none', () => {
    const budget = new FdBudget(1);
    const a = new KeptFile('/proc/self/stat', budget);
    const b = new KeptFile('/proc/self/statm', budget);
    expect(typeof a.read(scratch)).toBe('string');
    expect(typeof b.read(scratch)).toBe('string');
    expect(budget.used).toBe(1);
    expect(descriptorsOn('/proc/self/statm'.replace('self', String(process.pid)))).toBe(0);
    a.close();
    b.close();
    expect(budget.used).toBe(0);
    expect(FdBudget.forProcRoot(fs.mkdtempSync('/tmp/psc-proc-')).take()).toBe(false);
  });

  it('a file that cannot be opened reads as undefined', () => {
    expect(new KeptFile('/proc/0/stat', new FdBudget(4)).read(scratch)).toBeUndefined();
  });
});

describe('the open-file limit', () => {
  it('is read from the soft column of /proc/self/limits', () => {
    const limits =
      'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max open files            1024                 524288               files     \n';
    expect(parseOpenFileLimit(limits)).toBe(1024);
    expect(parseOpenFileLimit(limits.replace('1024 ', 'unlimited'))).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseOpenFileLimit('nothing here')).toBeUndefined();
  });
});
