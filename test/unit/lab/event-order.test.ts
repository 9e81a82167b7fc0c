// Events that must agree with each other and with the program: a child's life begins after the
// start() that made it, and a process exits once, with the status its parent saw (11), however
// late the supervisor gets to read what the process said.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../src-main/common/lab';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { ofKind, outputText, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor();
const dir = mkdtempSync(path.join(tmpdir(), 'procscope-event-order-'));
afterAll(async () => {
  await supervisor.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function program(name: string, source: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

describe('event order (11)', () => {
  it('mp.started is stamped before anything the child does, for every start method', async () => {
    const file = program(
      'starts.py',
      `import multiprocessing as mp

def work():
    pass

if __name__ == '__main__':
    for method in ('fork', 'spawn', 'forkserver'):
        ctx = mp.get_context(method)
        ps = [ctx.Process(target=work) for _ in range(6)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()
`,
    );
    for (let round = 0; round < 3; round++) {
      const { summary, events } = await runToEnd(supervisor, { file });
      expect(summary.exitCode).toBe(0);
      const started = ofKind(events, 'mp.started');
      expect(started).toHaveLength(18);
      for (const start of started) {
        const own = events.filter(
          (event) => event.pid === start.childPid && event.kind !== 'proc.appeared',
        );
        expect(own.length).toBeGreaterThan(0);
        // The child's hello and its first lifecycle event come after its start() began.
        for (const event of own)
          expect(event.t, `${event.kind} of ${start.method}`).toBeGreaterThanOrEqual(start.t);
      }
    }
  });

  const pools = (rounds: number): string =>
    program(
      `pools-${rounds}.py`,
      `import multiprocessing as mp

if __name__ == '__main__':
    for _ in range(${rounds}):
        pool = mp.Pool(4)
        pool.map(abs, range(8))
        # The workers are told to finish, and are terminated while they do.
        pool.close()
        pool.terminate()
        pool.join()
        for worker in pool._pool:
            print(worker.pid, worker.exitcode)
`,
    );

  /** Every worker the program printed has one exit event, with the code the program saw. */
  function expectExitsAsSeen(events: LabEvent[], workers: number): void {
    const seen = new Map(
      outputText(events)
        .trim()
        .split('\n')
        .map((line) => line.split(' ').map(Number) as [number, number]),
    );
    expect(seen.size).toBe(workers);
    const exits = ofKind(events, 'mp.exit');
    for (const [pid, code] of seen) {
      const own = exits.filter((exit) => exit.childPid === pid);
      expect(
        own.map((exit) => exit.exitCode),
        `worker ${pid}`,
      ).toEqual([code]);
    }
  }

  it('a Pool worker stopped by terminate() exits once, with the code its parent saw', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: pools(12) });
    expect(summary.exitCode).toBe(0);
    expectExitsAsSeen(events, 48);
  });

  it('a supervisor too busy to read its tracers at once still hears every one', async () => {
    // A loaded machine, as on a 2-core CI runner: the supervisor's event loop is held up while
    // workers connect, report and exit, so the run's end may be noticed before their
    // connections are accepted or read. Their events must not be lost for it.
    const busy = setInterval(() => {
      const until = performance.now() + 120;
      while (performance.now() < until);
    }, 40);
    try {
      const { summary, events } = await runToEnd(supervisor, { file: pools(6) });
      expect(summary.exitCode).toBe(0);
      expectExitsAsSeen(events, 24);
    } finally {
      clearInterval(busy);
    }
  });
});
