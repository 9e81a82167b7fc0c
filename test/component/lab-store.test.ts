import { describe, expect, it } from 'vitest';
import type { RunSummary } from '$common/lab';
import { LabStore } from '../../src-renderer/src/lib/lab.svelte';
import { ROOT, created, finished, joining, labBridge, summary } from './lab-fixtures';

const eventCalls = (bridge: ReturnType<typeof labBridge>) =>
  bridge.calls.filter((call) => call.method === 'lab.events').map((call) => call.params);

describe('LabStore', () => {
  it('lists runs newest first and selects the newest, loading its whole log', async () => {
    const log = joining();
    const older = summary({ id: 'run-0', startedAt: 1000 });
    const newer = summary({ id: 'run-1', startedAt: 2000 });
    const bridge = labBridge({ runs: [older, newer], log });
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.events.length).toBe(log.events.length);
    expect(lab.runs.map((run) => run.id)).toEqual(['run-1', 'run-0']);
    expect(lab.selectedId).toBe('run-1');
    expect(eventCalls(bridge)).toEqual([{ runId: 'run-1' }]);
    expect(lab.view.processes.map((p) => p.state)).toEqual(['waiting', 'running', 'running']);
    expect(lab.output.map((line) => line.text)).toEqual([
      "I'm going to sleep",
      "I'm going to sleep",
    ]);
  });

  it('loads a log the backend answers in pages, asking on from the last seq of each', async () => {
    const log = finished();
    const bridge = labBridge(
      { runs: [summary()], log },
      {
        'lab.events': ({ sinceSeq }) => {
          const rest = log.since(sinceSeq ?? 0);
          return {
            summary: { ...summary(), lastSeq: log.events.length },
            events: rest.slice(0, 3),
            more: rest.length > 3,
          };
        },
      },
    );
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.events.length).toBe(log.events.length);
    expect(lab.events.map((event) => event.seq)).toEqual(log.events.map((event) => event.seq));
    const asked = eventCalls(bridge).map((params) => (params as { sinceSeq?: number }).sinceSeq);
    // Pages of three: after the first, each asks from the seq that ended the one before.
    const pageEnds = log.events
      .map((e) => e.seq)
      .filter((seq) => seq % 3 === 0 && seq < log.events.length);
    expect(asked).toEqual([undefined, ...pageEnds]);
  });

  it('appends pushed batches, ignores repeats and other runs, and fills a gap from the last seq', async () => {
    const full = finished();
    const log = joining();
    const bridge = labBridge({ runs: [summary()], log });
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.events.length).toBe(log.events.length);
    const held = log.events.length;

    // A repeat of what we hold, and a batch of another run: nothing changes.
    bridge.emit('lab.events', { runId: 'run-1', events: log.events.slice(-2) });
    bridge.emit('lab.events', { runId: 'other', events: full.since(held) });
    expect(lab.events).toHaveLength(held);

    // The next batch, in order: applied.
    const next = full.since(held).slice(0, 3);
    bridge.emit('lab.events', { runId: 'run-1', events: next });
    expect(lab.events.map((event) => event.seq)).toEqual(
      full.events.slice(0, held + 3).map((e) => e.seq),
    );

    // A batch after a lost one: the store asks for everything after what it holds.
    log.events.push(...full.since(held));
    bridge.emit('lab.events', { runId: 'run-1', events: full.since(held + 6) });
    await expect.poll(() => lab.events.length).toBe(full.events.length);
    expect(eventCalls(bridge).at(-1)).toEqual({ runId: 'run-1', sinceSeq: held + 3 });
    expect(new Set(lab.events.map((event) => event.seq)).size).toBe(full.events.length);
    expect(lab.view.processes.every((p) => p.state === 'terminated')).toBe(true);
  });

  it('keeps a run update pushed by the backend, and selects a run started elsewhere only when idle', async () => {
    const bridge = labBridge({ runs: [summary()], log: created() });
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.selectedId).toBe('run-1');
    bridge.emit('lab.run', summary({ state: 'exited', exitCode: 0, endedAt: Date.now() }));
    expect(lab.runs[0]).toMatchObject({ id: 'run-1', state: 'exited' });
    bridge.emit('lab.run', summary({ id: 'run-9', startedAt: Date.now() }));
    expect(lab.runs.map((run) => run.id)).toEqual(['run-9', 'run-1']);
    expect(lab.selectedId).toBe('run-1');
  });

  it('follows a run the backend announces while the Run request is still on its way', async () => {
    let answer: (summary: RunSummary) => void = () => undefined;
    const bridge = labBridge(
      { runs: [summary()], log: finished() },
      {
        // FakeBridge answers are synchronous; a pending promise stands in for a slow backend.
        'lab.start': () =>
          new Promise<RunSummary>((resolve) => (answer = resolve)) as unknown as RunSummary,
      },
    );
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.selectedId).toBe('run-1');
    const started = lab.start({ kind: 'python', file: '/a.py' });
    const mine = summary({ id: 'run-2', state: 'starting', startedAt: Date.now() });
    bridge.emit('lab.run', mine);
    expect(lab.selectedId).toBe('run-2');
    answer(mine);
    await started;
    expect(lab.selectedId).toBe('run-2');
  });

  it('starts a run and selects it; a refusal is kept for the form', async () => {
    const bridge = labBridge();
    const lab = new LabStore(bridge.asBridge());
    const run = await lab.start({ kind: 'python', file: '/a.py' });
    expect(run?.id).toBe('run-2');
    expect(lab.selectedId).toBe('run-2');

    const refusing = labBridge(
      {},
      {
        'lab.start': () => {
          throw new Error('Python 3.8+ was not found.');
        },
      },
    );
    const other = new LabStore(refusing.asBridge());
    expect(await other.start({ kind: 'python', file: '/a.py' })).toBeNull();
    expect(other.startError).toBe('Python 3.8+ was not found.');
    expect(other.starting).toBe(false);
  });

  it('signals a process of the selected run and reports a failure as a notice', async () => {
    const bridge = labBridge(
      { runs: [summary()], log: joining() },
      {
        'lab.signal': () => {
          throw new Error('No such process.');
        },
      },
    );
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.selectedId).toBe('run-1');
    await lab.signal(ROOT, 'kill');
    expect(bridge.calls.find((call) => call.method === 'lab.signal')?.params).toEqual({
      runId: 'run-1',
      pid: ROOT,
      action: 'kill',
    });
    expect(lab.notice).toEqual({
      tone: 'error',
      text: 'Sending the signal failed: No such process.',
    });
  });

  it('saves and opens recordings', async () => {
    const bridge = labBridge(
      { runs: [summary()], log: finished() },
      {
        'recording.save': () => ({ path: '/data/recordings/lesson.procscope.json' }),
        'recording.open': () =>
          summary({ id: 'replay-1', title: 'lesson (replay)', state: 'exited' }),
      },
    );
    const lab = new LabStore(bridge.asBridge());
    await expect.poll(() => lab.selectedId).toBe('run-1');
    expect(await lab.saveRecording()).toBe('/data/recordings/lesson.procscope.json');
    expect(lab.notice?.text).toBe('Recording saved to /data/recordings/lesson.procscope.json');
    expect(await lab.openRecording('/data/recordings/lesson.procscope.json')).toBe(true);
    expect(lab.selectedId).toBe('replay-1');
    await expect.poll(() => eventCalls(bridge).at(-1)).toEqual({ runId: 'replay-1' });
  });
});
