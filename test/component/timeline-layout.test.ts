// The Timeline's model, from realistic logs: what a student must be able to read off the lanes.
import { describe, expect, it } from 'vitest';
import type { LabEvent } from '$common/lab';
import {
  buildLayout,
  cpuPoints,
  TimelineFeed,
  type TimelineLayout,
} from '../../src-renderer/src/lib/timeline/layout';
import { syntheticLog } from '../../scripts/synthetic-log';
import { FIXTURES, laneByName, loadLog, onlySpan, spansOf } from './timeline-fixtures';

const layoutOf = (name: Parameters<typeof loadLog>[0]) => buildLayout(loadLog(name));

/** Spans and markers by lane id, for comparing two layouts of the same run. */
function shape(layout: TimelineLayout) {
  return {
    lanes: layout.lanes.map((lane) => `${lane.id} ${lane.name} ${lane.parent} ${lane.depth}`),
    spans: layout.spans.map((s) => `${s.lane} ${s.kind} ${s.start} ${s.end} ${s.label}`).sort(),
    markers: layout.markers.map((m) => `${m.lane} ${m.kind} ${m.t}`).sort(),
    arrows: layout.arrows.map((a) => `${a.kind} ${a.from} ${a.to} ${a.t0} ${a.t1}`).sort(),
  };
}

describe('timeline layout: lanes', () => {
  it('nests each child process under its parent, each with its threads', () => {
    const layout = layoutOf('two-sleepers-join');
    expect(layout.lanes.map((l) => [l.kind, l.name, l.pid, l.tid, l.depth])).toEqual([
      ['process', 'MainProcess', 4100, null, 0],
      ['thread', 'MainThread', 4100, 4100, 0],
      ['process', 'Process-1', 4101, null, 1],
      ['thread', 'MainThread', 4101, 4101, 1],
      ['process', 'Process-2', 4102, null, 1],
      ['thread', 'MainThread', 4102, 4102, 1],
    ]);
    const main = laneByName(layout, 'MainProcess');
    expect(laneByName(layout, 'Process-1').parent).toBe(main.id);
    expect(laneByName(layout, 'Process-2').parent).toBe(main.id);
    expect(laneByName(layout, 'MainThread', 4101).parent).toBe(laneByName(layout, 'Process-1').id);
  });

  it('names Python threads, marks library threads as internal, and keeps OS-only threads', () => {
    const pool = layoutOf('pool-map');
    const handler = laneByName(pool, 'Thread-2 (_handle_tasks)');
    expect(handler).toMatchObject({ kind: 'thread', pid: 4500, tid: 4511, internal: true });
    const queue = layoutOf('queue-exchange');
    expect(laneByName(queue, 'QueueFeederThread')).toMatchObject({ pid: 4401, tid: 4405 });
    expect(laneByName(queue, 'QueueFeederThread').parent).toBe(laneByName(queue, 'Process-1').id);
  });

  it('draws the same picture whatever order the processes’ events arrived in', () => {
    // Each process's own events stay in order (one connection each); across processes the
    // supervisor may log them in any interleaving.
    const events = loadLog('queue-exchange');
    const byPid = [...events].sort((a, b) => (a.pid ?? 0) - (b.pid ?? 0));
    expect(shape(buildLayout(byPid))).toEqual(shape(buildLayout(events)));
  });
});

describe('timeline layout: the lifecycle phases', () => {
  it('shows New before Running for every child, ending exactly when it starts', () => {
    for (const name of FIXTURES) {
      const layout = layoutOf(name);
      for (const lane of layout.lanes.filter((l) => l.kind === 'process' && l.parent)) {
        const created = onlySpan(layout, lane.id, 'new');
        const running = onlySpan(layout, lane.id, 'running');
        expect(created.start, `${name} ${lane.name}`).toBeLessThan(running.start);
        expect(created.end).toBe(running.start);
        expect(running.end ?? Infinity).toBeGreaterThan(running.start);
      }
    }
  });

  it('with join(): the main thread waits until both children have ended, and main ends last', () => {
    const layout = layoutOf('two-sleepers-join');
    const main = laneByName(layout, 'MainProcess');
    const exits = ['Process-1', 'Process-2'].map(
      (name) => onlySpan(layout, laneByName(layout, name).id, 'terminated').start,
    );
    const waits = spansOf(layout, laneByName(layout, 'MainThread', 4100).id, 'waiting');
    expect(waits.map((w) => w.label)).toEqual(['join(Process-1)', 'join(Process-2)']);
    const lastWait = waits[waits.length - 1];
    for (const exit of exits) {
      expect(lastWait?.end).toBeGreaterThan(exit);
      expect(onlySpan(layout, main.id, 'running').end).toBeGreaterThan(exit);
    }
    expect(onlySpan(layout, main.id, 'terminated').start).toBeGreaterThan(Math.max(...exits));
  });

  it('without join(): the main script ends before either child, then Python joins at exit', () => {
    const layout = layoutOf('two-sleepers-no-join');
    const main = laneByName(layout, 'MainProcess');
    const scriptEnd = onlySpan(layout, main.id, 'running').end ?? Infinity;
    for (const name of ['Process-1', 'Process-2']) {
      const exit = onlySpan(layout, laneByName(layout, name).id, 'terminated').start;
      expect(scriptEnd).toBeLessThan(exit);
    }
    expect(onlySpan(layout, main.id, 'exiting').label).toMatch(/waiting for children at exit/);
    const waits = spansOf(layout, laneByName(layout, 'MainThread', 4100).id, 'waiting');
    expect(waits.map((w) => w.label)).toEqual([
      'join(Process-1) at exit',
      'join(Process-2) at exit',
    ]);
    const flag = layout.markers.find((m) => m.kind === 'script-end');
    expect(flag).toMatchObject({ lane: main.id, t: scriptEnd });
  });

  it('keeps a created-but-never-started Process on a lane of its own, New to the end', () => {
    const events: LabEvent[] = [
      ...loadLog('two-sleepers-join').slice(0, 5),
      {
        seq: 6,
        t: 41_400,
        kind: 'mp.created',
        pid: 4100,
        tid: 4100,
        proc: '4100:9',
        name: 'Process-3',
        target: '__main__.do_something',
        args: '()',
        at: null,
      },
    ];
    const layout = buildLayout(events);
    const lane = laneByName(layout, 'Process-3');
    expect(lane.pid).toBeNull();
    expect(onlySpan(layout, lane.id, 'new')).toMatchObject({ start: 41_400, end: null });
    expect(spansOf(layout, lane.id, 'running')).toEqual([]);
  });
});

describe('timeline layout: markers', () => {
  it('puts the exception, with its traceback, on the process that raised it', () => {
    const layout = layoutOf('exception-in-target');
    const child = laneByName(layout, 'Process-1');
    const exception = layout.markers.find((m) => m.kind === 'exception' && m.lane === child.id);
    expect(exception?.label).toBe("NameError: name 'name' is not defined");
    expect(exception?.traceback).toContain('line 7, in example');
    expect(exception?.traceback).toMatch(/NameError: name 'name' is not defined\n$/);
    expect(onlySpan(layout, child.id, 'terminated').exitCode).toBe(1);
  });

  it('shows is_alive() answers and a second start() as misuse on the Process it was called on', () => {
    const layout = layoutOf('exception-in-target');
    const child = laneByName(layout, 'Process-1');
    const markers = layout.content.get(child.id)?.markers ?? [];
    expect(markers.filter((m) => m.kind === 'is-alive').map((m) => m.alive)).toEqual([true, false]);
    const misuse = markers.find((m) => m.kind === 'api-error');
    expect(misuse?.label).toBe('Process.start() raised AssertionError');
    expect(misuse?.detail).toContain('cannot start a process twice');
    const exit = onlySpan(layout, child.id, 'terminated').start;
    expect(misuse?.t).toBeGreaterThan(exit);
    const script = layout.markers.find((m) => m.kind === 'exception' && m.lane !== child.id);
    expect(script?.lane).toBe(laneByName(layout, 'MainProcess').id);
  });

  it('terminate() ends a child with −15 and kill() with −9, with an arrow from the caller', () => {
    const layout = layoutOf('terminate-kill');
    const [first, second] = ['Process-1', 'Process-2'].map((name) => laneByName(layout, name));
    expect(onlySpan(layout, first?.id ?? '', 'terminated').exitCode).toBe(-15);
    expect(onlySpan(layout, second?.id ?? '', 'terminated').exitCode).toBe(-9);
    // The exit status is written at each lane's end, in the words the Lab's tree uses.
    const ends = (lane: string) =>
      layout.content
        .get(lane)
        ?.markers.filter((m) => m.kind === 'exit')
        .map((m) => m.value);
    expect(ends(first?.id ?? '')).toEqual(['exit −15 (SIGTERM)']);
    expect(ends(second?.id ?? '')).toEqual(['exit −9 (SIGKILL)']);
    expect(ends(laneByName(layout, 'MainProcess').id)).toEqual(['exit 0']);
    const signals = layout.arrows.filter((a) => a.kind === 'signal');
    const caller = laneByName(layout, 'MainThread', 4300).id;
    expect(signals.map((a) => [a.from, a.to, a.label])).toEqual([
      [caller, first?.id, 'terminate() → SIGTERM'],
      [caller, second?.id, 'kill() → SIGKILL'],
    ]);
  });

  it('turns output into ticks on the lane of the process that wrote it', () => {
    const layout = layoutOf('two-sleepers-join');
    const output = layout.markers.filter((m) => m.kind === 'output');
    expect(output.map((m) => [layout.byId.get(m.lane)?.name, m.detail])).toEqual([
      ['Process-1', "I'm going to sleep"],
      ['Process-2', "I'm going to sleep"],
      ['Process-1', "I'm awake"],
      ['Process-2', "I'm awake"],
      ['MainProcess', 'Wall time: 1.01 s'],
    ]);
  });
});

describe('timeline layout: step mode', () => {
  it('shows a paused call as a pause on the thread that made it, until Step is pressed', () => {
    const events: LabEvent[] = [
      ...loadLog('two-sleepers-join').slice(0, 5),
      {
        seq: 6,
        t: 42_000,
        kind: 'step.paused',
        pid: 4100,
        tid: 4100,
        pause: 1,
        call: 'Process.start',
        obj: '4100:1',
        at: { file: '/home/student/lab/sleepers.py', line: 15 },
        code: 'new_process_1.start()',
      },
      { seq: 7, t: 2_542_000, kind: 'step.resumed', pid: 4100, tid: 4100, pause: 1, how: 'step' },
      {
        seq: 8,
        t: 2_543_000,
        kind: 'step.paused',
        pid: 4100,
        tid: 4100,
        pause: 2,
        call: 'Process.start',
        obj: '4100:2',
        at: { file: '/home/student/lab/sleepers.py', line: 16 },
        code: 'new_process_2.start()',
      },
    ];
    const layout = buildLayout(events);
    const pauses = spansOf(layout, laneByName(layout, 'MainThread', 4100).id, 'paused');
    expect(pauses.map((p) => [p.start, p.end, p.label])).toEqual([
      [42_000, 2_542_000, 'paused at Process.start()'],
      [2_543_000, null, 'paused at Process.start()'],
    ]);
    expect(pauses[0]?.detail).toContain('sleepers.py:15');
  });
});

describe('timeline layout: arrows', () => {
  it('matches each Queue get() to its put() by message id, thread to thread', () => {
    const layout = layoutOf('queue-exchange');
    const producer = laneByName(layout, 'MainThread', 4401).id;
    const consumer = laneByName(layout, 'MainThread', 4402).id;
    const ipc = layout.arrows.filter((a) => a.kind === 'ipc');
    expect(ipc.map((a) => [a.from, a.to, a.t0, a.t1])).toEqual([
      [producer, consumer, 44_000, 46_300],
      [producer, consumer, 144_300, 144_600],
      [producer, consumer, 244_700, 245_000],
      [producer, consumer, 345_000, 345_400],
    ]);
  });

  it('draws each pool task from the submitting thread to the worker that ran it', () => {
    const layout = layoutOf('pool-map');
    const main = laneByName(layout, 'MainThread', 4500).id;
    const workers = [4501, 4502].map((pid) => laneByName(layout, 'MainThread', pid).id);
    const tasks = layout.arrows.filter((a) => a.kind === 'task');
    expect(tasks.map((a) => [a.from, a.to, a.label])).toEqual([
      [main, workers[0], 'square[0] sent to a worker'],
      [main, workers[1], 'square[1] sent to a worker'],
      [main, workers[0], 'square[2] sent to a worker'],
      [main, workers[1], 'square[3] sent to a worker'],
    ]);
    for (const arrow of tasks) expect(arrow.t1).toBeGreaterThan(arrow.t0);
    expect(spansOf(layout, workers[0] ?? '', 'task').map((s) => s.label)).toEqual([
      'square[0]',
      'square[2]',
    ]);
    for (const name of ['ForkPoolWorker-1', 'ForkPoolWorker-2'])
      expect(onlySpan(layout, laneByName(layout, name).id, 'terminated').exitCode).toBe(-15);
  });
});

describe('timeline layout: CPU and the GIL', () => {
  const layout = layoutOf('gil-threads-vs-processes');
  const main = laneByName(layout, 'MainProcess');
  const threadPhase = { from: 0, to: 2_041_000 };
  const processPhase = { from: 2_050_000, to: 3_049_000 };

  /** For each sample inside a phase, the sum of CPU over the given lanes. */
  function sums(laneIds: string[], phase: { from: number; to: number }): number[] {
    const byEnd = new Map<number, number>();
    for (const id of laneIds)
      for (const point of cpuPoints(layout.content.get(id)?.cpu ?? []))
        if (point.start >= phase.from && point.end <= phase.to)
          byEnd.set(point.end, (byEnd.get(point.end) ?? 0) + point.cpu);
    return [...byEnd.values()];
  }

  it('threads of one process share one core: their CPU adds up to about 100%', () => {
    const threads = layout.lanes.filter((l) => l.kind === 'thread' && l.parent === main.id);
    expect(threads.map((l) => l.name)).toEqual([
      'MainThread',
      'Thread-1 (count)',
      'Thread-2 (count)',
    ]);
    const totals = sums(
      threads.map((l) => l.id),
      threadPhase,
    );
    expect(totals.length).toBeGreaterThanOrEqual(6);
    for (const total of totals) expect(Math.abs(total - 100)).toBeLessThan(5);
    // Each thread alone gets about half.
    for (const id of threads.slice(1).map((l) => l.id))
      for (const total of sums([id], threadPhase)) expect(Math.abs(total - 50)).toBeLessThan(5);
  });

  it('two processes use two cores: their CPU adds up to about 200%', () => {
    const children = ['Process-1', 'Process-2'].map((name) => laneByName(layout, name).id);
    const totals = sums(children, processPhase);
    expect(totals.length).toBeGreaterThanOrEqual(3);
    for (const total of totals) expect(Math.abs(total - 200)).toBeLessThan(10);
    expect(laneByName(layout, 'Process-1').cpuPeak).toBeGreaterThan(95);
  });
});

describe('timeline layout: growing logs', () => {
  it('appending batches gives the same layout as the whole log at once', () => {
    const events = loadLog('pool-map');
    const feed = new TimelineFeed();
    let shown = feed.update([]);
    const generation = feed.generation;
    for (let end = 7; end < events.length + 7; end += 7) shown = feed.update(events.slice(0, end));
    expect(feed.generation).toBe(generation);
    expect(shape(shown)).toEqual(shape(buildLayout(events)));
    expect(shown.events).toBe(events.length);
  });

  it('starts over when handed a different run', () => {
    const feed = new TimelineFeed();
    feed.update(loadLog('pool-map'));
    const generation = feed.generation;
    const other = feed.update(loadLog('terminate-kill'));
    expect(feed.generation).toBe(generation + 1);
    expect(shape(other)).toEqual(shape(layoutOf('terminate-kill')));
  });

  it('lays out 20,000 events of 200 processes and 1,000 threads', () => {
    const log = syntheticLog();
    expect(log).toHaveLength(20_000);
    const layout = buildLayout(log);
    // Only the shape here: how fast this is, scripts/bench-timeline.ts measures on a quiet
    // machine (a time bound in a unit test fails whenever the machine is busy).
    expect(layout.lanes.filter((l) => l.kind === 'process')).toHaveLength(200);
    expect(layout.lanes.filter((l) => l.kind === 'thread')).toHaveLength(1000);
  });
});
