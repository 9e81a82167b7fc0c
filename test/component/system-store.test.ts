import { describe, expect, it } from 'vitest';
import { SystemStore } from '../../src-renderer/src/lib/system.svelte';
import { FakeBridge } from './fake-bridge';
import { load, machine, row, snapshot, tick } from './fixtures';

async function connectedStore(processes = [row(1), row(2)]) {
  const bridge = new FakeBridge({
    'system.machine': () => machine,
    'system.snapshot': () => snapshot(processes),
  });
  const system = new SystemStore(bridge.asBridge());
  await expect.poll(() => system.rows.length).toBe(processes.length);
  return { bridge, system };
}

describe('SystemStore', () => {
  it('applies deltas: upserts replace rows, removals drop them and their history', async () => {
    const { bridge, system } = await connectedStore();
    bridge.emit('system.tick', tick(11, { upserts: [row(1, { cpu: 50 }), row(3)] }));
    expect(system.rows.map((r) => r.pid).sort()).toEqual([1, 2, 3]);
    expect(system.row('1:1700000000001')?.cpu).toBe(50);
    expect(system.historyOf('1:1700000000001')).toEqual([50]);
    bridge.emit('system.tick', tick(12, { removed: ['2:1700000000002'] }));
    expect(system.rows.map((r) => r.pid).sort()).toEqual([1, 3]);
    expect(system.historyOf('2:1700000000002')).toEqual([]);
  });

  it('ignores stale ticks and resyncs from a snapshot after a gap', async () => {
    const { bridge, system } = await connectedStore();
    const snapshotsBefore = bridge.calls.filter((c) => c.method === 'system.snapshot').length;
    bridge.emit('system.tick', tick(9, { upserts: [row(99)] }));
    expect(system.rows).toHaveLength(2);
    bridge.emit('system.tick', tick(14, { upserts: [row(98)] }));
    expect(system.rows.some((r) => r.pid === 98)).toBe(false);
    expect(bridge.calls.filter((c) => c.method === 'system.snapshot').length).toBe(
      snapshotsBefore + 1,
    );
  });

  it('keeps history bounded however long it runs', async () => {
    const { bridge, system } = await connectedStore([row(1)]);
    for (let seq = 11; seq < 11 + 500; seq++)
      bridge.emit('system.tick', tick(seq, { upserts: [row(1, { cpu: seq })] }));
    const history = system.historyOf('1:1700000000001');
    expect(history).toHaveLength(120);
    expect(history.at(-1)).toBe(510);
    expect(system.cpuHistory.length).toBe(120);
  });

  it('keeps a history per core, of memory and swap, and of each process’s resident memory', async () => {
    const { bridge, system } = await connectedStore([row(1)]);
    const swap = { swapTotalBytes: 4 * 1024 ** 3, swapUsedBytes: 1024 ** 3 };
    bridge.emit(
      'system.tick',
      tick(11, { load: load(swap), upserts: [row(1, { rssBytes: 100 })] }),
    );
    bridge.emit(
      'system.tick',
      tick(12, {
        load: load({ ...swap, cpuPerCore: [90, 0, 5, 100] }),
        upserts: [row(1, { rssBytes: 300 })],
      }),
    );
    expect(system.coreHistories()).toEqual([
      [10, 90],
      [20, 0],
      [30, 5],
      [40, 100],
    ]);
    expect(system.memoryHistory.toArray()).toEqual([25, 25]);
    expect(system.swapHistory.toArray()).toEqual([25, 25]);
    expect(system.memoryHistoryOf('1:1700000000001')).toEqual([100, 300]);
    // A platform without swap figures leaves the swap history empty rather than at zero.
    bridge.emit('system.tick', tick(13, { load: load() }));
    expect(system.swapHistory.length).toBe(2);
    // A core coming online starts the per-core histories afresh, one ring per core.
    bridge.emit('system.tick', tick(14, { load: load({ cpuPerCore: [1, 2, 3, 4, 5] }) }));
    expect(system.coreHistories()).toEqual([[1], [2], [3], [4], [5]]);
    bridge.emit('system.tick', tick(15, { removed: ['1:1700000000001'] }));
    expect(system.memoryHistoryOf('1:1700000000001')).toEqual([]);
  });
});
