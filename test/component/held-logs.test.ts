// Logs of runs not on screen: read once, kept up to date while their run goes on, let go.
import { describe, expect, it } from 'vitest';
import { HeldLogs } from '../../src-renderer/src/lib/held-logs.svelte';
import { finished, labBridge, summary } from './lab-fixtures';

describe('HeldLogs', () => {
  it('reads a run once, appends what is pushed, and fetches a gap it missed', async () => {
    const log = finished();
    const all = log.events;
    const served = { upTo: 5 };
    const bridge = labBridge(
      {},
      {
        'lab.events': ({ sinceSeq }) => ({
          summary: summary({ lastSeq: served.upTo }),
          events: all.filter((event) => event.seq > (sinceSeq ?? 0) && event.seq <= served.upTo),
          more: false,
        }),
      },
    );
    const held = new HeldLogs(bridge.asBridge());
    await held.hold('run-1', 'compare');
    expect(held.get('run-1')?.map(({ seq }) => seq)).toEqual([1, 2, 3, 4, 5]);
    // The next batch follows on.
    bridge.emit('lab.events', { runId: 'run-1', events: all.slice(5, 7) });
    expect(held.get('run-1')?.length).toBe(7);
    // One went missing: what was skipped is fetched from the last one held.
    served.upTo = all.length;
    bridge.emit('lab.events', { runId: 'run-1', events: all.slice(9, 10) });
    await expect.poll(() => held.get('run-1')?.length).toBe(all.length);
    expect(held.get('run-1')?.map(({ seq }) => seq)).toEqual(all.map(({ seq }) => seq));
    // Other runs' batches are not held.
    bridge.emit('lab.events', { runId: 'run-2', events: all.slice(0, 2) });
    expect(held.get('run-2')).toBeUndefined();
  });

  it('lets a log go when the last of its holders releases it', async () => {
    const held = new HeldLogs(labBridge({ log: finished() }).asBridge());
    await held.hold('run-1', 'compare');
    await held.hold('run-1', 'lessons');
    held.release('run-1', 'compare');
    expect(held.get('run-1')).toBeDefined();
    held.release('run-1', 'lessons');
    expect(held.get('run-1')).toBeUndefined();
  });
});
