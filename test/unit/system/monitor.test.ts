import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProcscopeError } from '../../../src-main/common/errors';
import type { SystemTick } from '../../../src-main/common/system';
import { SystemMonitor, type LifecycleEvent } from '../../../src-main/core/system/monitor';
import type { RawProcess } from '../../../src-main/core/system/sampler';
import { FakeSampler, rawProcess } from './fake-sampler';

// A real collection before each heap reading: garbage not yet collected is not a leak.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function setup(options: { intervalMs?: number } = {}) {
  const sampler = new FakeSampler();
  let now = 1_000_000;
  const kills: [number, NodeJS.Signals][] = [];
  const errors: unknown[] = [];
  const monitor = new SystemMonitor({
    sampler,
    clock: () => now,
    platform: 'linux',
    kill: (pid, signal) => {
      kills.push([pid, signal]);
      sampler.signal(pid, signal);
    },
    onError: (error) => void errors.push(error),
    ...options,
  });
  const ticks: SystemTick[] = [];
  const events: LifecycleEvent[] = [];
  monitor.onTick((tick) => void ticks.push(tick));
  monitor.onLifecycle((event) => void events.push(event));
  const advance = (ms: number): void => {
    now += ms;
  };
  return { sampler, monitor, ticks, events, kills, errors, advance };
}

let active: SystemMonitor | undefined;
afterEach(() => {
  active?.dispose();
  active = undefined;
  vi.useRealTimers();
});

describe('SystemMonitor refresh', () => {
  it('emits deltas, load and lifecycle events (none for processes already running at start)', async () => {
    const { sampler, monitor, ticks, events, advance } = setup();
    sampler.set(rawProcess({ pid: 10, threads: 3 }), rawProcess({ pid: 11, threads: 2 }));
    sampler.cores = [
      { busy: 100, total: 1_000 },
      { busy: 100, total: 1_000 },
    ];
    await monitor.refresh();
    expect(ticks[0]?.upserts.map((row) => row.pid)).toEqual([10, 11]);
    expect(events).toEqual([]);

    advance(1_000);
    sampler.remove(11);
    sampler.set(rawProcess({ pid: 10, threads: 3, cpuMs: 500 }), rawProcess({ pid: 12 }));
    sampler.cores = [
      { busy: 600, total: 2_000 },
      { busy: 200, total: 2_000 },
    ];
    await monitor.refresh();
    const tick = ticks[1];
    expect(tick?.seq).toBe(2);
    expect(tick?.at).toBe(1_001_000);
    expect(tick?.upserts.map((row) => [row.pid, row.cpu])).toEqual([
      [10, 50],
      [12, 0],
    ]);
    expect(tick?.removed).toEqual(['11:1000011']);
    expect(tick?.load).toMatchObject({
      cpuPerCore: [50, 10],
      cpuTotal: 30,
      memoryTotalBytes: 8 * 2 ** 30,
      memoryUsedBytes: 2 ** 30,
      processCount: 2,
      threadCount: 4,
    });
    expect(events.map((event) => [event.kind, event.row.pid, event.at])).toEqual([
      ['appeared', 12, 1_001_000],
      ['vanished', 11, 1_001_000],
    ]);
    expect(monitor.snapshot()).toMatchObject({ seq: 2, at: 1_001_000, paused: false });
    expect(monitor.snapshot().processes.map((row) => row.pid)).toEqual([10, 12]);
  });

  it('shares one scan between concurrent refreshes', async () => {
    const { sampler, monitor } = setup();
    const release = sampler.hold();
    const first = monitor.refresh();
    const second = monitor.refresh();
    release();
    expect(await first).toBe(await second);
    expect(sampler.scans).toBe(1);
  });

  it('survives a failing listener and a failing scan', async () => {
    vi.useFakeTimers();
    const { sampler, monitor, ticks, errors } = setup({ intervalMs: 500 });
    monitor.onTick(() => {
      throw new Error('listener bug');
    });
    sampler.set(rawProcess({ pid: 10 }));
    sampler.failNext = true;
    monitor.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(ticks).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(ticks).toHaveLength(1);
    expect(errors).toEqual([new Error('scan failed'), new Error('listener bug')]);
    monitor.dispose();
  });
});

describe('SystemMonitor CPU timing', () => {
  it('measures each process between its own two reads, so a slow scan bends no figure', async () => {
    let now = 0;
    /** Reads processes one by one, as /proc is read, taking time: 50 µs each, plus a stall. */
    class ScanningSampler extends FakeSampler {
      stallAt = -1;
      override async readProcesses(): Promise<RawProcess[]> {
        const rows: RawProcess[] = [];
        let index = 0;
        for (const process of this.processes.values()) {
          now += 0.05;
          // Half-way through, the event loop is busy elsewhere for 300 ms (a GC, a big send).
          if (index++ === this.stallAt) now += 300;
          // Every process keeps one core busy: its CPU time is the time itself.
          rows.push({ ...process, cpuMs: now, sampledAt: now });
        }
        return rows;
      }
    }
    const sampler = new ScanningSampler();
    for (let pid = 2; pid < 4002; pid++) sampler.set(rawProcess({ pid }));
    const monitor = (active = new SystemMonitor({ sampler, clock: () => now, platform: 'linux' }));
    await monitor.refresh();
    now += 1000;
    sampler.stallAt = 2000;
    const tick = await monitor.refresh();
    const cpu = tick!.upserts.map((row) => row.cpu);
    expect(cpu).toHaveLength(4000);
    // Every process is at 100% of a core; the per-tick error is the rounding to 0.1 alone.
    const worst = Math.max(...cpu.map((value) => Math.abs(value - 100)));
    expect(worst).toBeLessThanOrEqual(0.1);
  });
});

describe('SystemMonitor scheduling', () => {
  it('never overlaps a slow refresh and stops on dispose', async () => {
    vi.useFakeTimers();
    const { sampler, monitor } = setup({ intervalMs: 500 });
    const release = sampler.hold();
    monitor.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sampler.scans).toBe(1);
    release();
    // The overrun refresh is followed by a short breather, not an immediate rescan...
    await vi.advanceTimersByTimeAsync(50);
    expect(sampler.scans).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sampler.scans).toBe(2);
    // ...and from then on one scan per interval.
    await vi.advanceTimersByTimeAsync(440);
    expect(sampler.scans).toBe(2);
    await vi.advanceTimersByTimeAsync(20);
    expect(sampler.scans).toBe(3);
    monitor.dispose();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sampler.scans).toBe(3);
    expect(sampler.disposed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clamps the interval and rejects non-numbers', () => {
    const { monitor } = setup();
    active = monitor;
    expect(monitor.intervalMs).toBe(1_000);
    expect(monitor.setIntervalMs(10)).toBe(500);
    expect(monitor.setIntervalMs(60_000)).toBe(5_000);
    expect(monitor.setIntervalMs(1_234.4)).toBe(1_234);
    expect(() => monitor.setIntervalMs(Number.NaN)).toThrow(ProcscopeError);
    expect(new SystemMonitor({ sampler: new FakeSampler(), intervalMs: 1 }).intervalMs).toBe(500);
  });

  it('pausing sends one paused tick, freezes the snapshot, and resuming picks up again', async () => {
    vi.useFakeTimers();
    const { sampler, monitor, ticks } = setup({ intervalMs: 500 });
    sampler.set(rawProcess({ pid: 10 }));
    monitor.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(ticks).toHaveLength(1);

    monitor.setPaused(true);
    expect(ticks[1]).toMatchObject({ paused: true, upserts: [], removed: [] });
    sampler.set(rawProcess({ pid: 11 }));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(ticks).toHaveLength(2);
    expect(await monitor.refresh()).toBeUndefined();
    expect(monitor.snapshot()).toMatchObject({ paused: true });
    expect(monitor.snapshot().processes.map((row) => row.pid)).toEqual([10]);

    monitor.setPaused(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(ticks[2]).toMatchObject({ paused: false });
    expect(ticks[2]?.upserts.map((row) => row.pid)).toEqual([11]);
    monitor.dispose();
  });

  it('discards a scan that was in flight when the monitor was paused', async () => {
    const { sampler, monitor, ticks } = setup();
    const release = sampler.hold();
    sampler.set(rawProcess({ pid: 10 }));
    const pending = monitor.refresh();
    monitor.setPaused(true);
    release();
    expect(await pending).toBeUndefined();
    expect(monitor.snapshot().processes).toEqual([]);
    expect(ticks.map((tick) => tick.paused)).toEqual([true]);
  });
});

describe('SystemMonitor threads', () => {
  it('reads threads only for the union of watched processes and prunes when unwatched', async () => {
    const { sampler, monitor, advance } = setup();
    sampler.set(rawProcess({ pid: 10 }), rawProcess({ pid: 11 }), rawProcess({ pid: 12 }));
    sampler.threads.set(10, [{ tid: 10, name: 'main', state: 'S', cpuMs: 100 }]);
    sampler.threads.set(11, [{ tid: 11, name: 'main', state: 'S', cpuMs: 0 }]);
    monitor.watch('a', ['10:1000010']);
    monitor.watch('b', ['10:1000010', '11:1000011', '404:1']);
    const first = await monitor.refresh();
    expect(Object.keys(first?.threads ?? {}).sort()).toEqual(['10:1000010', '11:1000011']);
    expect(sampler.threadReads.sort()).toEqual([10, 11]);

    advance(1_000);
    sampler.threads.set(10, [
      { tid: 10, name: 'main', state: 'R', cpuMs: 350 },
      { tid: 13, name: 'worker', state: 'R', cpuMs: 40 },
    ]);
    const second = await monitor.refresh();
    expect(second?.threads['10:1000010']).toEqual([
      { tid: 10, name: 'main', state: 'R', cpu: 25 },
      { tid: 13, name: 'worker', state: 'R', cpu: 0 },
    ]);

    monitor.unwatchClient('b');
    monitor.watch('a', []);
    sampler.threadReads = [];
    const third = await monitor.refresh();
    expect(third?.threads).toEqual({});
    expect(sampler.threadReads).toEqual([]);
  });

  it('stays flat in memory over thousands of refreshes with process churn', async () => {
    const { sampler, monitor, advance, events, ticks } = setup();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let round = 0; round < 3_000; round++) {
      advance(1_000);
      // 50 long-lived processes plus 10 that live for a single tick each.
      sampler.processes.clear();
      for (let pid = 100; pid < 150; pid++) sampler.set(rawProcess({ pid, cpuMs: round * 10 }));
      for (let pid = 0; pid < 10; pid++)
        sampler.set(rawProcess({ pid: 1_000 + pid, startTime: round }));
      monitor.watch('client', [`${1_000}:${round}`]);
      await monitor.refresh();
      // The test keeps no history of its own: only the monitor's memory is being measured.
      ticks.length = 0;
      if (round % 500 === 0) events.length = 0;
    }
    expect(monitor.snapshot().processes).toHaveLength(60);
    collectGarbage();
    // Generous bound: 3 000 rounds x 60 rows would be tens of MB if rows or baselines leaked.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(30 * 2 ** 20);
  });
});

describe('SystemMonitor.signal', () => {
  it('re-verifies the start time and signals nothing for an exited or recycled pid', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(rawProcess({ pid: 300, startTime: 5_000, name: 'worker' }));
    await monitor.refresh();

    sampler.remove(300);
    await expect(
      monitor.signal({ pid: 300, startTime: 5_000 }, 'kill', false),
    ).rejects.toMatchObject({
      code: 'gone',
      message: 'Process worker (pid 300) has already exited.',
    });

    sampler.set(rawProcess({ pid: 300, startTime: 9_000, name: 'someone-else' }));
    await expect(
      monitor.signal({ pid: 300, startTime: 5_000 }, 'terminate', false),
    ).rejects.toMatchObject({
      code: 'gone',
      message: expect.stringContaining(
        'pid 300 now belongs to another process; nothing was signalled.',
      ),
    });
    expect(kills).toEqual([]);
  });

  it('maps actions to signals and returns the ids signalled', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(rawProcess({ pid: 300 }));
    await monitor.refresh();
    for (const action of ['terminate', 'kill', 'suspend', 'resume'] as const) {
      expect(await monitor.signal({ pid: 300, startTime: 1_000_300 }, action, false)).toEqual({
        signalled: ['300:1000300'],
        zombies: [],
      });
    }
    expect(kills).toEqual([
      [300, 'SIGTERM'],
      [300, 'SIGKILL'],
      [300, 'SIGSTOP'],
      [300, 'SIGCONT'],
    ]);
  });

  it('freezes a tree top-down, then kills it children-first, skipping recycled descendants', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(
      rawProcess({ pid: 100, startTime: 10 }),
      rawProcess({ pid: 101, ppid: 100, startTime: 20 }),
      rawProcess({ pid: 102, ppid: 101, startTime: 30 }),
      rawProcess({ pid: 103, ppid: 100, startTime: 40 }),
      rawProcess({ pid: 200, ppid: 1, startTime: 50 }),
    );
    await monitor.refresh();
    // 103 exited and its pid went to an unrelated process since the last refresh, and 100
    // forked 104 — which the last refresh never saw.
    sampler.set(rawProcess({ pid: 103, ppid: 1, startTime: 99 }));
    sampler.set(rawProcess({ pid: 104, ppid: 100, startTime: 60 }));

    const result = await monitor.signal({ pid: 100, startTime: 10 }, 'kill', true);
    expect(kills).toEqual([
      [100, 'SIGSTOP'],
      [101, 'SIGSTOP'],
      [104, 'SIGSTOP'],
      [102, 'SIGSTOP'],
      [102, 'SIGKILL'],
      [104, 'SIGKILL'],
      [101, 'SIGKILL'],
      [100, 'SIGKILL'],
    ]);
    expect(result).toEqual({ signalled: ['102:30', '104:60', '101:20', '100:10'], zombies: [] });

    kills.length = 0;
    for (const pid of [100, 101, 102, 104]) sampler.signal(pid, 'SIGCONT');
    expect(await monitor.signal({ pid: 100, startTime: 10 }, 'suspend', true)).toEqual({
      signalled: ['100:10', '101:20', '104:60', '102:30'],
      zombies: [],
    });
    expect(kills.every(([, signal]) => signal === 'SIGSTOP')).toBe(true);
  });

  it('terminates a frozen tree and lets it run again to act on SIGTERM; names its zombies', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(
      rawProcess({ pid: 100, startTime: 10 }),
      rawProcess({ pid: 101, ppid: 100, startTime: 20 }),
      rawProcess({ pid: 102, ppid: 100, startTime: 30, state: 'Z' }),
    );
    const result = await monitor.signal({ pid: 100, startTime: 10 }, 'terminate', true);
    expect(result).toEqual({ signalled: ['101:20', '100:10'], zombies: ['102:30'] });
    expect(kills).toEqual([
      [100, 'SIGSTOP'],
      [101, 'SIGSTOP'],
      [101, 'SIGTERM'],
      [100, 'SIGTERM'],
      [100, 'SIGCONT'],
      [101, 'SIGCONT'],
    ]);
  });

  it('says a zombie is a zombie instead of reporting it signalled', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(
      rawProcess({ pid: 100, startTime: 10, name: 'parent' }),
      rawProcess({ pid: 101, ppid: 100, startTime: 20, state: 'Z', name: 'worker' }),
    );
    await monitor.refresh();
    for (const tree of [false, true]) {
      await expect(monitor.signal({ pid: 101, startTime: 20 }, 'kill', tree)).rejects.toMatchObject(
        {
          code: 'gone',
          message: expect.stringMatching(
            /^Process worker \(pid 101\) is a zombie: it has already exited, and its parent parent \(pid 100\) has not yet collected/,
          ),
        },
      );
    }
    expect(kills).toEqual([]);
  });

  it('refuses pid 0, pid 1, itself, and a tree that contains itself', async () => {
    const { sampler, monitor, kills } = setup();
    sampler.set(rawProcess({ pid: 1, startTime: 1 }), rawProcess({ pid: 50, startTime: 2 }));
    sampler.set(rawProcess({ pid: process.pid, ppid: 50, startTime: 3 }));
    await monitor.refresh();
    for (const pid of [0, 1, -1]) {
      await expect(monitor.signal({ pid, startTime: 1 }, 'kill', false)).rejects.toMatchObject({
        code: 'invalid-params',
      });
    }
    await expect(
      monitor.signal({ pid: process.pid, startTime: 3 }, 'kill', false),
    ).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringContaining('does not signal itself'),
    });
    await expect(monitor.signal({ pid: 50, startTime: 2 }, 'kill', true)).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringContaining('includes Procscope itself'),
    });
    expect(kills).toEqual([]);
  });

  it('maps EPERM to permission-denied, and reports descendants it could not signal', async () => {
    const sampler = new FakeSampler();
    const denied = new Set([300, 302]);
    const kill = (pid: number, signal: NodeJS.Signals): void => {
      if (denied.has(pid)) throw Object.assign(new Error(`kill EPERM`), { code: 'EPERM' });
      sampler.signal(pid, signal);
    };
    const monitor = new SystemMonitor({
      sampler,
      platform: 'linux',
      kill,
      onError: () => undefined,
    });
    sampler.set(
      rawProcess({ pid: 300, startTime: 1, name: 'sshd' }),
      rawProcess({ pid: 301, ppid: 300, startTime: 2 }),
      rawProcess({ pid: 302, ppid: 300, startTime: 3 }),
    );
    await monitor.refresh();
    await expect(
      monitor.signal({ pid: 300, startTime: 1 }, 'terminate', false),
    ).rejects.toMatchObject({
      code: 'permission-denied',
      message: expect.stringMatching(/^Permission denied: .*sshd \(pid 300\)/),
    });
    denied.delete(300);
    await expect(monitor.signal({ pid: 300, startTime: 1 }, 'kill', true)).rejects.toMatchObject({
      code: 'permission-denied',
      message: expect.stringContaining('(pid 302); the other 2 were signalled'),
    });
    monitor.dispose();
  });

  it('explains that Windows cannot suspend or resume, and rejects unknown actions', async () => {
    const sampler = new FakeSampler();
    const kills: number[] = [];
    const monitor = new SystemMonitor({
      sampler,
      platform: 'win32',
      kill: (pid) => void kills.push(pid),
    });
    sampler.set(rawProcess({ pid: 300, startTime: 1 }));
    await monitor.refresh();
    await expect(
      monitor.signal({ pid: 300, startTime: 1 }, 'suspend', false),
    ).rejects.toMatchObject({ code: 'failed' });
    await expect(
      monitor.signal({ pid: 300, startTime: 1 }, 'hup' as 'kill', false),
    ).rejects.toMatchObject({
      code: 'invalid-params',
    });
    expect(await monitor.signal({ pid: 300, startTime: 1 }, 'kill', false)).toEqual({
      signalled: ['300:1'],
      zombies: [],
    });
    expect(kills).toEqual([300]);
    monitor.dispose();
  });
});
