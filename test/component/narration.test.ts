// Narration: fixture logs in, the exact sentences a class reads out. The recorded timeline
// fixtures give whole runs; LogBuilder writes the corners (threads, pipes, out-of-order reports,
// step mode, polling loops).
import type { LabEvent } from '$common/lab';
import { describe, expect, it } from 'vitest';
import { NarrationFeed, narrate, type NarrationLine } from '../../src-renderer/src/lib/narration';
import { CHILD_1, ROOT, SCRIPT, LogBuilder, created, pausedAtStart } from './lab-fixtures';
import { loadLog } from './timeline-fixtures';

const texts = (lines: NarrationLine[]) => lines.map((line) => line.text);
const told = (log: LogBuilder) => texts(narrate(log.events));

/** The root's tracer, as every real log starts. */
function rooted(log = new LogBuilder()): LogBuilder {
  return log.add({
    kind: 'tracer.attached',
    pid: ROOT,
    tid: ROOT,
    ppid: 1000,
    python: '3.12.1',
    executable: '/usr/bin/python3',
    argv: [SCRIPT],
    role: 'main',
  });
}

describe('narration of whole runs', () => {
  it('tells the tutorial without join(): the script ends first, Python waits for the children', () => {
    expect(texts(narrate(loadLog('two-sleepers-no-join')))).toEqual([
      'MainProcess started, pid 4100 (Python 3.11.7)',
      'Process-1 was created (New) — no OS process yet',
      'Process-2 was created (New) — no OS process yet',
      'Process-1 started, pid 4101',
      'Process-1 runs do_something()',
      'Process-2 started, pid 4102',
      'Process-2 runs do_something()',
      'MainProcess finished its script; Python now waits for Process-1 and Process-2',
      'MainProcess waits for Process-1 before exiting (Python joins it by itself)',
      'Process-1 ended normally → exitcode 0',
      'join() returned: Process-1 has ended',
      'MainProcess waits for Process-2 before exiting (Python joins it by itself)',
      'Process-2 ended normally → exitcode 0',
      'join() returned: Process-2 has ended',
      'MainProcess exited → exitcode 0',
    ]);
  });

  it('tells the tutorial with join(): main waits in join(), then finishes with nobody left', () => {
    const lines = narrate(loadLog('two-sleepers-join'));
    expect(texts(lines).slice(7)).toEqual([
      'MainProcess is waiting in join() for Process-1',
      'Process-1 ended normally → exitcode 0',
      'join() returned: Process-1 has ended',
      'MainProcess is waiting in join() for Process-2',
      'Process-2 ended normally → exitcode 0',
      'join() returned: Process-2 has ended',
      'MainProcess finished its script',
      'MainProcess exited → exitcode 0',
    ]);
    expect(lines.find((line) => line.text.includes('waiting in join()'))?.tone).toBe('wait');
    // Times are the events' own, µs since the run started.
    expect(lines.at(-1)?.t).toBe(1_056_000);
  });

  it('tells an exception in the target with its exit code, and a second start()', () => {
    const lines = narrate(loadLog('exception-in-target'));
    expect(texts(lines)).toEqual([
      'MainProcess started, pid 4200 (Python 3.11.7)',
      'Process-1 was created (New) — no OS process yet',
      'Process-1 started, pid 4201',
      'Process-1.is_alive() → True',
      'MainProcess is waiting in join() for Process-1',
      "Process-1 runs example('Hi',)",
      "Process-1 raised NameError: name 'name' is not defined → exitcode 1",
      'join() returned: Process-1 has ended',
      'Process-1.is_alive() → False',
      'Process-1 cannot be started twice (AssertionError)',
      'The main program raised AssertionError: cannot start a process twice',
      'MainProcess finished its script',
      'MainProcess exited → exitcode 1',
    ]);
    const problems = lines.filter((line) => line.tone === 'problem').map((line) => line.text);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^Process-1 raised NameError/);
  });

  it('tells terminate() and kill() with the signal and the negative exit code', () => {
    expect(texts(narrate(loadLog('terminate-kill'))).slice(7)).toEqual([
      'Process-1.is_alive() → True',
      'MainProcess called Process-1.terminate() — SIGTERM',
      'MainProcess called Process-2.kill() — SIGKILL',
      'MainProcess is waiting in join() for Process-1',
      'join() returned: Process-1 was killed by SIGTERM → exitcode −15',
      'MainProcess is waiting in join() for Process-2',
      'join() returned: Process-2 was killed by SIGKILL → exitcode −9',
      'MainProcess finished its script',
      'MainProcess exited → exitcode 0',
    ]);
  });

  it('numbers the messages of a Queue, and shortens the objects passed as arguments', () => {
    const lines = texts(narrate(loadLog('queue-exchange')));
    expect(lines).toContain('Process-1 runs producer(<Queue>,)');
    expect(lines.filter((line) => line.startsWith('message #3'))).toEqual([
      'message #3 put on a Queue by Process-1',
      'message #3 taken from the Queue by Process-2',
    ]);
    // The Queue's feeder thread is Python's plumbing, not the lesson.
    expect(lines.some((line) => line.includes('QueueFeederThread'))).toBe(false);
  });

  it('tells threads as threads: the same pid, a native thread id of their own', () => {
    expect(texts(narrate(loadLog('gil-threads-vs-processes'))).slice(1, 11)).toEqual([
      'Thread-1 (count) was created (New) — not running yet',
      'Thread-2 (count) was created (New) — not running yet',
      'Thread-1 (count) started in MainProcess, native thread id 4603',
      'Thread-2 (count) started in MainProcess, native thread id 4604',
      'MainProcess is waiting in join() for Thread-1 (count)',
      'Thread-1 (count) finished',
      'join() returned: Thread-1 (count) has finished',
      'MainProcess is waiting in join() for Thread-2 (count)',
      'Thread-2 (count) finished',
      'join() returned: Thread-2 (count) has finished',
    ]);
  });

  it("tells a pool's tasks, not its worker loop", () => {
    const lines = texts(narrate(loadLog('pool-map')));
    expect(lines).toContain('Pool.map: 4 items of square handed to the pool');
    expect(lines).toContain('square item 3 started in ForkPoolWorker-2');
    expect(lines.some((line) => line.includes('pool.worker'))).toBe(false);
  });
});

describe('narration corners', () => {
  it('says nothing about output, CPU samples or the supervisor', () => {
    const log = new LogBuilder()
      .add({ kind: 'run.started', command: ['python3'], cwd: '/', stepMode: false })
      .add({ kind: 'proc.appeared', pid: ROOT, ppid: 1, command: ['python3'], source: 'os' })
      .add({ kind: 'output', pid: ROOT, stream: 'stdout', text: 'hello\n', droppedBytes: 0 })
      .add({ kind: 'cpu.sample', intervalMs: 250, procs: [] })
      .add({ kind: 'tracer.error', where: 'hook', message: 'boom' });
    expect(told(log)).toEqual([]);
  });

  it('says a polling loop once, with how many times', () => {
    const log = created(rooted());
    for (const alive of [true, true, true, false])
      log.add({ kind: 'mp.is_alive', pid: ROOT, tid: ROOT, proc: `${ROOT}:1`, alive, at: null });
    const lines = narrate(log.events).slice(-2);
    expect(lines.map((line) => [line.text, line.count])).toEqual([
      ['Process-1.is_alive() → True', 3],
      ['Process-1.is_alive() → False', 1],
    ]);
  });

  it('tells a signal once, whichever report arrives first', () => {
    const log = created(rooted())
      .add({
        kind: 'mp.started',
        pid: ROOT,
        tid: ROOT,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        name: 'Process-1',
        daemon: false,
        method: 'fork',
        at: null,
      })
      // The parent's report of a killed child, then the OS's and the join's: one sentence.
      .add({
        kind: 'mp.exit',
        pid: ROOT,
        tid: ROOT,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: -15,
        by: 'parent',
      })
      .add({ kind: 'proc.exited', pid: CHILD_1, exitCode: -15, signal: 'SIGTERM' })
      .add({
        kind: 'mp.join.return',
        pid: ROOT,
        tid: ROOT,
        proc: `${ROOT}:1`,
        ended: true,
        exitCode: -15,
      });
    expect(told(log).slice(-2)).toEqual([
      'Process-1 was killed by SIGTERM → exitcode −15',
      'join() returned: Process-1 has ended',
    ]);
  });

  it('completes an exception with the exit code the parent reports', () => {
    const log = created(rooted())
      .add({
        kind: 'mp.exception',
        pid: CHILD_1,
        tid: CHILD_1,
        proc: `${ROOT}:1`,
        type: 'ZeroDivisionError',
        message: 'division by zero',
        traceback: '',
      })
      .add({
        kind: 'output',
        pid: CHILD_1,
        stream: 'stderr',
        text: 'Traceback…\n',
        droppedBytes: 0,
      })
      .add({
        kind: 'mp.exit',
        pid: ROOT,
        tid: ROOT,
        proc: `${ROOT}:1`,
        childPid: CHILD_1,
        exitCode: 1,
        by: 'parent',
      });
    expect(told(log).at(-1)).toBe(
      'Process-1 raised ZeroDivisionError: division by zero → exitcode 1',
    );
  });

  it('names the thread that made a call, a Pipe for pipes, and a thread started twice', () => {
    const pipe = 'pipe:2234';
    const log = rooted()
      .add({
        kind: 'thread.created',
        pid: ROOT,
        tid: ROOT,
        thread: `${ROOT}:7`,
        name: 'sender',
        target: '__main__.send',
        daemon: false,
        internal: false,
        at: null,
      })
      .add({ kind: 'thread.started', pid: ROOT, tid: 5001, thread: `${ROOT}:7`, name: 'sender' })
      .add({ kind: 'ipc.send', pid: ROOT, tid: 5001, channel: pipe, msg: 'm1' })
      .add({ kind: 'ipc.recv', pid: CHILD_1, tid: CHILD_1, channel: pipe, msg: 'm1' })
      .add({ kind: 'ipc.recv', pid: CHILD_1, tid: CHILD_1, channel: pipe, msg: null })
      .add({
        kind: 'api.error',
        pid: ROOT,
        tid: ROOT,
        call: 'Thread.start',
        obj: `${ROOT}:7`,
        type: 'RuntimeError',
        message: 'threads can only be started once',
        at: null,
      })
      .add({
        kind: 'api.error',
        pid: ROOT,
        tid: ROOT,
        call: 'Process.join',
        obj: `${ROOT}:9`,
        type: 'AssertionError',
        message: 'can only join a started process',
        at: null,
      });
    expect(told(log).slice(1)).toEqual([
      'sender was created (New) — not running yet',
      `sender started in MainProcess, native thread id 5001`,
      'message #1 sent through a Pipe by sender',
      `message #1 received from the Pipe by pid ${CHILD_1}`,
      `a message received from the Pipe by pid ${CHILD_1}`,
      'sender cannot be started twice (RuntimeError)',
      'an object.join() raised AssertionError: can only join a started process',
    ]);
  });

  it('tells where step mode holds a process, as a step', () => {
    const log = pausedAtStart(
      created(rooted()),
      { file: SCRIPT, line: 15 },
      '    process_1.start()\n',
    );
    const last = narrate(log.events).at(-1);
    expect(last).toMatchObject({
      text: 'Paused: MainProcess at Process-1.start() (line 15)',
      tone: 'step',
    });
  });

  it('tells the main process exit once, though two observers report it', () => {
    const log = rooted()
      .add({ kind: 'proc.exited', pid: ROOT, exitCode: 0, signal: null })
      .add({ kind: 'proc.exited', pid: ROOT, exitCode: null, signal: null })
      .add({ kind: 'run.ended', state: 'exited', exitCode: 0, signal: null, error: null });
    expect(told(log).slice(1)).toEqual(['MainProcess exited → exitcode 0']);
  });

  it('tells a run stopped from Procscope', () => {
    const log = rooted().add({
      kind: 'run.ended',
      state: 'stopped',
      exitCode: null,
      signal: 'SIGTERM',
      error: null,
    });
    expect(told(log).at(-1)).toBe('The run was stopped from Procscope');
  });
});

describe('NarrationFeed', () => {
  const log = loadLog('two-sleepers-join');

  it('tells only what a batch appended, and keeps the same list when nothing new was said', () => {
    const feed = new NarrationFeed();
    const first = feed.update(log.slice(0, 10));
    const firstKeys = first.map((line) => line.key);
    const all = feed.update(log);
    expect(texts(all)).toEqual(texts(narrate(log)));
    expect(all.slice(0, first.length).map((line) => line.key)).toEqual(firstKeys);
    // A new array with no new sentence (a CPU sample) gives back the very same list.
    const sample: LabEvent = {
      kind: 'cpu.sample',
      seq: 99,
      t: 2_000_000,
      intervalMs: 250,
      procs: [],
    };
    expect(feed.update([...log, sample])).toBe(all);
  });

  it('starts again for another run', () => {
    const feed = new NarrationFeed();
    feed.update(log);
    const other = loadLog('terminate-kill');
    expect(texts(feed.update(other))).toEqual(texts(narrate(other)));
  });
});
