import { describe, expect, it } from 'vitest';
import type { LabEvent } from '$common/lab';
import {
  OutputBuffer,
  RunProjection,
  callLabel,
  exitLabel,
  processBadge,
  runBadge,
  type LabProcess,
  type RunView,
} from '../../src-renderer/src/lib/lab-model';
import {
  CHILD_1,
  CHILD_2,
  LogBuilder,
  ROOT,
  SCRIPT,
  created,
  finished,
  joining,
  pausedAtStart,
  summary,
} from './lab-fixtures';

function project(events: readonly LabEvent[]): RunView {
  const projection = new RunProjection();
  for (const event of events) projection.apply(event);
  return projection.view();
}

function byName(view: RunView, name: string): LabProcess {
  const found = view.processes.find((process) => process.name === name);
  if (!found) throw new Error(`no process ${name} in ${view.processes.map((p) => p.name)}`);
  return found;
}

const outline = (view: RunView) =>
  view.processes.map((p) => `${'  '.repeat(p.depth)}${p.name} ${p.pid ?? '-'} ${p.state}`);

describe('RunProjection: the lifecycle of the tutorial program', () => {
  it('shows Process objects as New, with no pid, before start() is called', () => {
    const view = project(created().events);
    expect(outline(view)).toEqual([
      `MainProcess ${ROOT} running`,
      '  Process-1 - new',
      '  Process-2 - new',
    ]);
    const first = byName(view, 'Process-1');
    expect(first.target).toBe('do_something');
    expect(byName(view, 'Process-2').args).toBe("('Hi',)");
    expect(first.threads).toEqual([]);
    expect(processBadge(first, false).text).toBe('New');
    expect(processBadge(first, true).text).toBe('New (never started)');
  });

  it('starts both children under the main process and shows the main process waiting in join()', () => {
    const view = project(joining().events);
    expect(outline(view)).toEqual([
      `MainProcess ${ROOT} waiting`,
      `  Process-1 ${CHILD_1} running`,
      `  Process-2 ${CHILD_2} running`,
    ]);
    const main = byName(view, 'MainProcess');
    expect(main.joining).toBe('Process-1');
    expect(processBadge(main, false)).toMatchObject({
      shape: 'waiting',
      text: 'Waiting in Process-1.join()',
    });
    // Every process has its main thread, with the native id the OS knows it by.
    expect(main.threads).toMatchObject([{ name: 'MainThread', tid: ROOT, state: 'waiting' }]);
    expect(byName(view, 'Process-1').threads).toMatchObject([
      { name: 'MainThread', tid: CHILD_1, state: 'running', joining: null },
    ]);
  });

  it('ends with every process Terminated with exit 0, and times on the run clock', () => {
    const view = project(finished().events);
    expect(view.ended).toBe(true);
    expect(view.processes.map((p) => [p.name, p.state, p.exit && exitLabel(p.exit)])).toEqual([
      ['MainProcess', 'terminated', 'exit 0'],
      ['Process-1', 'terminated', 'exit 0'],
      ['Process-2', 'terminated', 'exit 0'],
    ]);
    const child = byName(view, 'Process-1');
    expect(child.startedAt).toBeLessThan(child.endedAt as number);
    expect(child.threads[0]?.state).toBe('terminated');
    expect(processBadge(child, true)).toMatchObject({ shape: 'terminated', failed: false });
  });

  it('keeps one row when the OS sees the child before start() returns in the parent', () => {
    const log = created();
    log
      .add({ kind: 'proc.appeared', pid: CHILD_1, ppid: ROOT, command: ['python3'], source: 'os' })
      .add({ kind: 'mp.running', pid: CHILD_1, tid: CHILD_1, proc: `${ROOT}:1`, name: 'Process-1' })
      .add({
        kind: 'mp.started',
        pid: ROOT,
        tid: ROOT,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        name: 'Process-1',
        daemon: false,
        method: 'spawn',
        at: null,
      });
    expect(outline(project(log.events))).toEqual([
      `MainProcess ${ROOT} running`,
      `  Process-1 ${CHILD_1} running`,
      '  Process-2 - new',
    ]);
  });
});

describe('RunProjection: how processes end', () => {
  function endedBy(...last: Parameters<LogBuilder['add']>[0][]): LabProcess {
    const log = joining();
    for (const event of last) log.add(event);
    return byName(project(log.events), 'Process-1');
  }

  it('names the signal of a negative exit code: kill() is −9, terminate() is −15', () => {
    const killed = endedBy({
      kind: 'mp.exit',
      pid: ROOT,
      proc: `${ROOT}:1`,
      childPid: CHILD_1,
      exitCode: -9,
      by: 'parent',
    });
    expect(killed.state).toBe('terminated');
    expect(exitLabel(killed.exit!)).toBe('exit −9 (SIGKILL)');
    expect(processBadge(killed, false).failed).toBe(true);

    const terminated = endedBy({
      kind: 'mp.join.return',
      pid: ROOT,
      tid: ROOT,
      proc: `${ROOT}:1`,
      ended: true,
      exitCode: -15,
    });
    expect(exitLabel(terminated.exit!)).toBe('exit −15 (SIGTERM)');
  });

  it('takes the signal from the OS when Python never joined the child', () => {
    const killed = endedBy({
      kind: 'proc.exited',
      pid: CHILD_1,
      exitCode: null,
      signal: 'SIGKILL',
    });
    expect(killed.exit).toEqual({ code: -9, signal: 'SIGKILL', exception: null });
  });

  it("prefers the parent's exit code over the child's own report", () => {
    const child = endedBy(
      {
        kind: 'mp.exit',
        pid: CHILD_1,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: 0,
        by: 'child',
      },
      { kind: 'proc.exited', pid: CHILD_1, exitCode: null, signal: null },
      {
        kind: 'mp.exit',
        pid: ROOT,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: -15,
        by: 'parent',
      },
      {
        kind: 'mp.exit',
        pid: CHILD_1,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: 0,
        by: 'child',
      },
    );
    expect(exitLabel(child.exit!)).toBe('exit −15 (SIGTERM)');
  });

  it('shows the exception that ended a child, in the exit label and as a problem', () => {
    const log = joining();
    log
      .add({
        kind: 'mp.exception',
        pid: CHILD_1,
        tid: CHILD_1,
        proc: `${ROOT}:1`,
        type: 'NameError',
        message: "name 'name' is not defined",
        traceback:
          'Traceback (most recent call last):\n  File "lesson.py", line 8, in example\nNameError',
      })
      .add({
        kind: 'mp.exit',
        pid: CHILD_1,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: 1,
        by: 'child',
      });
    const view = project(log.events);
    const child = byName(view, 'Process-1');
    expect(exitLabel(child.exit!)).toBe('exit 1 (NameError)');
    expect(processBadge(child, false)).toMatchObject({ failed: true, text: 'exit 1 (NameError)' });
    expect(view.problems).toEqual([
      expect.objectContaining({
        tone: 'error',
        title: `NameError in Process-1 (pid ${CHILD_1})`,
        message: "name 'name' is not defined",
        traceback: expect.stringContaining('Traceback'),
      }),
    ]);
  });

  it('ends every started process when the run ends, and leaves never-started ones New', () => {
    const log = created();
    log.add({
      kind: 'run.ended',
      state: 'stopped',
      exitCode: null,
      signal: 'SIGTERM',
      error: null,
    });
    const view = project(log.events);
    expect(byName(view, 'MainProcess').state).toBe('terminated');
    expect(exitLabel(byName(view, 'MainProcess').exit!)).toBe('ended');
    expect(byName(view, 'Process-1').state).toBe('new');
  });

  it('explains a script that could not be opened, and a misused API call', () => {
    const log = new LogBuilder()
      .add({
        kind: 'script.error',
        pid: ROOT,
        tid: ROOT,
        phase: 'open',
        type: 'FileNotFoundError',
        message: "can't open file '/nope.py': [Errno 2] No such file or directory",
        traceback: '',
        at: null,
      })
      .add({
        kind: 'api.error',
        pid: ROOT,
        tid: ROOT,
        call: 'Process.start',
        obj: `${ROOT}:1`,
        type: 'AssertionError',
        message: 'cannot start a process twice',
        at: { file: SCRIPT, line: 20 },
      });
    expect(project(log.events).problems).toMatchObject([
      { title: 'The script could not be opened', message: expect.stringContaining('No such file') },
      { title: 'Process.start() raised AssertionError', at: { line: 20 } },
    ]);
  });
});

describe('RunProjection: threads', () => {
  it('follows a thread from New to Running to Finished, under the process that runs it', () => {
    const log = created();
    const thread = { thread: `${ROOT}:9`, name: 'worker-1' };
    log.add({
      kind: 'thread.created',
      pid: ROOT,
      tid: ROOT,
      ...thread,
      target: 'work',
      daemon: false,
      internal: false,
      at: null,
    });
    const states = [project(log.events)];
    log.add({ kind: 'thread.started', pid: ROOT, tid: 5001, ...thread });
    log.add({
      kind: 'thread.join.call',
      pid: ROOT,
      tid: ROOT,
      thread: thread.thread,
      timeout: null,
      at: null,
    });
    states.push(project(log.events));
    log.add({ kind: 'thread.finished', pid: ROOT, tid: 5001, ...thread });
    log.add({
      kind: 'thread.join.return',
      pid: ROOT,
      tid: ROOT,
      thread: thread.thread,
      ended: true,
    });
    states.push(project(log.events));
    const rows = states.map((view) =>
      byName(view, 'MainProcess').threads.map((t) => `${t.name} ${t.tid ?? '-'} ${t.state}`),
    );
    expect(rows).toEqual([
      [`MainThread ${ROOT} running`, 'worker-1 - new'],
      [`MainThread ${ROOT} waiting`, 'worker-1 5001 running'],
      [`MainThread ${ROOT} running`, 'worker-1 5001 terminated'],
    ]);
    expect(byName(states[1]!, 'MainProcess').state).toBe('waiting');
  });

  it('marks library threads and reports an exception in a thread', () => {
    const log = created();
    log
      .add({
        kind: 'thread.created',
        pid: ROOT,
        tid: ROOT,
        thread: `${ROOT}:7`,
        name: 'QueueFeederThread',
        target: 'multiprocessing.queues._feed',
        daemon: true,
        internal: true,
        at: null,
      })
      .add({ kind: 'thread.started', pid: ROOT, tid: 6001, thread: `${ROOT}:8`, name: 'Thread-1' })
      .add({
        kind: 'thread.exception',
        pid: ROOT,
        tid: 6001,
        thread: `${ROOT}:8`,
        name: 'Thread-1',
        type: 'ValueError',
        message: 'bad',
        traceback: 'Traceback…',
      })
      .add({
        kind: 'thread.finished',
        pid: ROOT,
        tid: 6001,
        thread: `${ROOT}:8`,
        name: 'Thread-1',
      });
    const view = project(log.events);
    const threads = byName(view, 'MainProcess').threads;
    expect(threads.find((t) => t.name === 'QueueFeederThread')).toMatchObject({ internal: true });
    expect(threads.find((t) => t.name === 'Thread-1')).toMatchObject({
      state: 'terminated',
      exception: 'ValueError',
    });
    expect(view.problems[0]?.title).toBe('ValueError in thread Thread-1 of MainProcess');
  });
});

describe('RunProjection: step mode', () => {
  it('lists who is paused where, and forgets a pause when it resumes or its process ends', () => {
    const log = pausedAtStart(created());
    let view = project(log.events);
    expect(view.pauses).toMatchObject([
      { who: 'MainProcess', pid: ROOT, target: 'Process-1', code: 'p1.start()', at: { line: 15 } },
    ]);
    expect(callLabel(view.pauses[0]!.call, view.pauses[0]!.target)).toBe('Process-1.start()');
    expect(byName(view, 'MainProcess').paused).toBe(true);

    log.add({ kind: 'step.resumed', pid: ROOT, tid: ROOT, pause: 1, how: 'step' });
    view = project(log.events);
    expect(view.pauses).toEqual([]);
    expect(byName(view, 'MainProcess').paused).toBe(false);

    log.add({
      kind: 'step.paused',
      pid: ROOT,
      tid: ROOT,
      pause: 2,
      call: 'Process.join',
      obj: null,
      at: { file: SCRIPT, line: 18 },
      code: 'p1.join()',
    });
    log.add({ kind: 'proc.exited', pid: ROOT, exitCode: null, signal: 'SIGKILL' });
    expect(project(log.events).pauses).toEqual([]);
  });
});

describe('badges and labels', () => {
  it('writes exit codes with a real minus sign and the signal or exception', () => {
    expect(exitLabel({ code: 0, signal: null, exception: null })).toBe('exit 0');
    expect(exitLabel({ code: -15, signal: 'SIGTERM', exception: null })).toBe('exit −15 (SIGTERM)');
    expect(exitLabel({ code: -64, signal: null, exception: null })).toBe('exit −64 (signal 64)');
    expect(exitLabel({ code: 1, signal: null, exception: 'NameError' })).toBe('exit 1 (NameError)');
    expect(exitLabel({ code: 2, signal: null, exception: null })).toBe('exit 2');
  });

  it('gives a run its state in words', () => {
    expect(runBadge(summary({ state: 'running' })).text).toBe('running');
    expect(runBadge(summary({ state: 'exited', exitCode: 1 }))).toMatchObject({
      text: 'exit 1',
      failed: true,
    });
    expect(runBadge(summary({ state: 'exited', exitCode: -9, signal: 'SIGKILL' })).text).toBe(
      'exit −9 (SIGKILL)',
    );
    expect(runBadge(summary({ state: 'failed', error: 'Python not found' }))).toMatchObject({
      shape: 'failed',
      title: 'Python not found',
    });
  });
});

describe('OutputBuffer', () => {
  const out = (
    pid: number | undefined,
    text: string,
    stream: 'stdout' | 'stderr' = 'stdout',
    droppedBytes = 0,
  ) => ({ kind: 'output', seq: 0, t: 0, pid, stream, text, droppedBytes }) as const;

  it('joins a line written in pieces, per writer, and keeps writers apart', () => {
    const buffer = new OutputBuffer(100);
    buffer.add(out(1, 'I am '));
    buffer.add(out(2, 'second\n'));
    buffer.add(out(1, 'first\nand '));
    buffer.add(out(1, 'mo'));
    buffer.add(out(1, 're\r\n'));
    buffer.add(out(1, 'oops\n', 'stderr'));
    expect(buffer.snapshot().map((l) => `${l.pid}:${l.stream}:${l.text}`)).toEqual([
      '1:stdout:I am first',
      '2:stdout:second',
      '1:stdout:and more',
      '1:stderr:oops',
    ]);
  });

  it('marks where bytes were dropped and counts them', () => {
    const buffer = new OutputBuffer(100);
    buffer.add(out(1, 'partial', 'stdout', 4096));
    buffer.add(out(1, 'after the gap\n'));
    expect(buffer.snapshot().map((l) => [l.text, l.dropped])).toEqual([
      ['partial', 0],
      ['', 4096],
      ['after the gap', 0],
    ]);
    expect(buffer.droppedBytes).toBe(4096);
  });

  it('keeps only the newest lines however much arrives', () => {
    const buffer = new OutputBuffer(50);
    for (let i = 0; i < 1000; i++) buffer.add(out(undefined, `line ${i}\n`));
    const lines = buffer.snapshot();
    expect(lines).toHaveLength(50);
    expect(lines.at(-1)).toMatchObject({ text: 'line 999', pid: null });
    expect(buffer.evicted).toBe(950);
  });
});
