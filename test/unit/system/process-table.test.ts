import { describe, expect, it } from 'vitest';
import { processId } from '../../../src-main/common/system';
import { CpuMeter } from '../../../src-main/core/system/load';
import { percentOfCore, ProcessTable } from '../../../src-main/core/system/process-table';
import { ThreadTable } from '../../../src-main/core/system/thread-table';
import { rawProcess } from './fake-sampler';

describe('ProcessTable CPU math', () => {
  it('is delta CPU over delta wall time, in percent of one core', () => {
    const table = new ProcessTable();
    table.update([rawProcess({ pid: 10, cpuMs: 5_000 })], 0);
    const { upserts } = table.update([rawProcess({ pid: 10, cpuMs: 5_250 })], 1_000);
    expect(upserts[0]?.cpu).toBe(25);
  });

  it('exceeds 100 for a process keeping several cores busy', () => {
    const table = new ProcessTable();
    table.update([rawProcess({ pid: 10, cpuMs: 0 })], 0);
    table.update([rawProcess({ pid: 10, cpuMs: 1_500 })], 500);
    expect(table.get(processId({ pid: 10, startTime: 1_000_010 }))?.cpu).toBe(300);
  });

  it('shows 0 on first sight (no interval yet) and never goes negative', () => {
    const table = new ProcessTable();
    const first = table.update([rawProcess({ pid: 10, cpuMs: 99_000 })], 0);
    expect(first.appeared[0]?.cpu).toBe(0);
    const second = table.update([rawProcess({ pid: 10, cpuMs: 98_000 })], 1_000);
    expect(second.upserts.map((row) => [row.cpu, row.cpuTimeMs])).toEqual([[0, 98_000]]);
    expect(percentOfCore(10, 0)).toBe(0);
    expect(percentOfCore(1, 3)).toBe(33.3);
  });
});

describe('ProcessTable idle rows', () => {
  it('an idle row handed again as the same object is skipped, and its baseline moves on', () => {
    const table = new ProcessTable();
    const idle = rawProcess({ pid: 10, cpuMs: 5_000, sampledAt: 0 });
    table.update([idle], 0);
    idle.sampledAt = 1_000;
    expect(table.update([idle], 1_000).upserts).toEqual([]);
    idle.sampledAt = 2_000;
    expect(table.update([idle], 2_000).upserts).toEqual([]);
    // Busy at last: measured over the one second since the last read, not since first sight.
    const busy = table.update([rawProcess({ pid: 10, cpuMs: 5_500, sampledAt: 3_000 })], 3_000);
    expect(busy.upserts.map((row) => row.cpu)).toEqual([50]);
  });
});

describe('ProcessTable mark-and-sweep', () => {
  it('reports appeared and vanished rows, and only changed rows as upserts', () => {
    const table = new ProcessTable();
    const a = rawProcess({ pid: 10 });
    const b = rawProcess({ pid: 11 });
    const first = table.update([a, b], 0);
    expect(first.appeared.map((row) => row.pid)).toEqual([10, 11]);
    expect(first.upserts).toHaveLength(2);
    expect(first.removed).toEqual([]);

    const c = rawProcess({ pid: 12 });
    const second = table.update([a, { ...b, rssBytes: 8192 }, c], 1_000);
    expect(second.appeared.map((row) => row.pid)).toEqual([12]);
    expect(second.upserts.map((row) => row.pid)).toEqual([11, 12]);

    const third = table.update(
      [b, c].map((raw) => ({ ...raw, rssBytes: 8192 })),
      2_000,
    );
    expect(third.vanished.map((row) => row.pid)).toEqual([10]);
    expect(third.removed).toEqual([processId(a)]);
    expect(third.upserts.map((row) => row.pid)).toEqual([12]);
    expect(table.size).toBe(2);
    expect(table.get(processId(a))).toBeUndefined();
  });

  it('treats a reused pid with a new start time as a new process, not a continuation', () => {
    const table = new ProcessTable();
    const old = rawProcess({ pid: 4242, startTime: 1_000, cpuMs: 60_000, name: 'old' });
    table.update([old], 0);
    table.update([{ ...old, cpuMs: 60_500 }], 1_000);

    const reborn = rawProcess({ pid: 4242, startTime: 1_900, cpuMs: 100, name: 'new' });
    const changes = table.update([reborn], 2_000);
    expect(changes.vanished.map((row) => [row.pid, row.startTime, row.name])).toEqual([
      [4242, 1_000, 'old'],
    ]);
    expect(changes.appeared.map((row) => [row.pid, row.startTime, row.name])).toEqual([
      [4242, 1_900, 'new'],
    ]);
    expect(changes.removed).toEqual(['4242:1000']);
    // Had the old baseline (60 500 ms) been used, this would be nonsense; a new process starts at 0.
    expect(changes.appeared[0]?.cpu).toBe(0);
    expect(changes.appeared[0]?.id).toBe('4242:1900');
    expect(table.rows().map((row) => row.id)).toEqual(['4242:1900']);
  });

  it('lists descendants parent-before-child and ignores rows older than their supposed parent', () => {
    const table = new ProcessTable();
    table.update(
      [
        rawProcess({ pid: 100, ppid: 1, startTime: 500 }),
        rawProcess({ pid: 101, ppid: 100, startTime: 600 }),
        rawProcess({ pid: 102, ppid: 101, startTime: 700 }),
        rawProcess({ pid: 103, ppid: 100, startTime: 800 }),
        // Claims pid 100 as parent but started before it: a previous holder's child.
        rawProcess({ pid: 104, ppid: 100, startTime: 400 }),
        rawProcess({ pid: 200, ppid: 1, startTime: 500 }),
      ],
      0,
    );
    expect(table.descendants('100:500').map((row) => row.pid)).toEqual([101, 102, 103]);
    expect(table.descendants('999:1')).toEqual([]);
    expect(table.threadCount()).toBe(6);
  });
});

describe('ThreadTable', () => {
  it('computes per-thread CPU from deltas, starts new threads at 0 and forgets unwatched processes', () => {
    const threads = new ThreadTable();
    const first = threads.update('7:1', [{ tid: 7, name: 'main', state: 'S', cpuMs: 100 }], 0);
    expect(first).toEqual([{ tid: 7, name: 'main', state: 'S', cpu: 0 }]);
    const second = threads.update(
      '7:1',
      [
        { tid: 7, name: 'main', state: 'R', cpuMs: 600 },
        { tid: 8, name: 'worker', state: 'R', cpuMs: 900 },
      ],
      1_000,
    );
    expect(second.map((row) => [row.tid, row.cpu])).toEqual([
      [7, 50],
      [8, 0],
    ]);
    threads.update('9:1', [], 1_000);
    expect(threads.size).toBe(2);
    threads.retain(new Set(['9:1']));
    expect(threads.size).toBe(1);
  });
});

describe('CpuMeter', () => {
  it('derives per-core and total load from cumulative counters', () => {
    const meter = new CpuMeter();
    expect(
      meter.update([
        { busy: 10, total: 100 },
        { busy: 0, total: 100 },
      ]),
    ).toEqual({ perCore: [0, 0], total: 0 });
    expect(
      meter.update([
        { busy: 60, total: 200 },
        { busy: 25, total: 200 },
      ]),
    ).toEqual({ perCore: [50, 25], total: 37.5 });
    // A core going offline shifts indices: no delta is computed across that change.
    expect(meter.update([{ busy: 70, total: 300 }])).toEqual({ perCore: [0], total: 0 });
  });
});

describe('ProcessTable tombstones', () => {
  it('remembers a bounded number of vanished rows by id', () => {
    const table = new ProcessTable();
    const rows = Array.from({ length: 300 }, (_, index) => rawProcess({ pid: 10 + index }));
    table.update(rows, 0);
    table.update([], 1_000);
    expect(table.get(processId(rows[299]!))).toBeUndefined();
    expect(table.recall(processId(rows[299]!))?.name).toBe('proc309');
    // Only the newest 256 are kept: the first 44 buried are forgotten.
    expect(table.recall(processId(rows[43]!))).toBeUndefined();
    expect(table.recall(processId(rows[44]!))?.pid).toBe(54);
  });
});
