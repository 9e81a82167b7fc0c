// Driving runs (step mode, stop, signals), bad input, and a program that floods its output.

import { afterAll, describe, expect, it } from 'vitest';
import { ProcscopeError } from '../../../src-main/common/errors';
import {
  RunInputRequestSchema,
  type LabEventKind,
  type LabEventOf,
} from '../../../src-main/common/lab';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, isLive, ofKind, onlyOne, outputText, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor();
afterAll(() => supervisor.dispose());

/** Resolves with the first event of the given kind (and matching `match`) of a run. */
function nextEvent<K extends LabEventKind>(
  runId: () => string,
  kind: K,
  match: (event: LabEventOf<K>) => boolean = () => true,
): Promise<LabEventOf<K>> {
  return new Promise((resolve) => {
    const stop = supervisor.onEvents((id, events) => {
      const found = id === runId() ? ofKind(events, kind).find(match) : undefined;
      if (found) {
        stop();
        resolve(found);
      }
    });
  });
}

describe('step mode', () => {
  it('pauses at each lifecycle call until stepped, and says where', async () => {
    const calls: string[] = [];
    const stop = supervisor.onEvents((id, events) => {
      for (const event of ofKind(events, 'step.paused')) {
        calls.push(`${event.call}:${event.at.line}:${event.code}`);
        // Still paused a moment later: nothing moves until step() is called.
        setTimeout(() => supervisor.step(id, 'step'), 50);
      }
    });
    const started = await supervisor.start({
      kind: 'python',
      file: fixture('step.py'),
      stepMode: true,
    });
    const runId = started.id;
    const end = await supervisor.waitForEnd(runId);
    stop();
    expect(end.exitCode).toBe(0);
    expect(calls).toEqual([
      'Process.start:12:p.start()',
      'Process.is_alive:13:p.is_alive()',
      'Process.join:14:p.join()',
    ]);
    const events = supervisor.events(runId);
    const paused = ofKind(events, 'step.paused');
    const resumed = ofKind(events, 'step.resumed');
    expect(resumed.map((e) => [e.pause, e.how])).toEqual(paused.map((e) => [e.pause, 'step']));
    for (const [index, pause] of paused.entries()) {
      expect(pause).toMatchObject({ pid: end.rootPid, tid: end.rootPid });
      expect((resumed[index]?.t ?? 0) - pause.t).toBeGreaterThan(40_000);
    }
    // The child is only started once the first pause is released.
    expect(onlyOne(events, 'mp.started').t).toBeGreaterThan(resumed[0]?.t ?? Infinity);
  });

  it('continue leaves step mode and lets everything run', async () => {
    let runId = '';
    const firstPause = nextEvent(() => runId, 'step.paused');
    const started = await supervisor.start({
      kind: 'python',
      file: fixture('step.py'),
      stepMode: true,
    });
    runId = started.id;
    await firstPause;
    supervisor.step(runId, 'continue');
    const end = await supervisor.waitForEnd(runId);
    expect(end).toMatchObject({ exitCode: 0, stepMode: false });
    const events = supervisor.events(runId);
    expect(ofKind(events, 'step.paused')).toHaveLength(1);
    expect(onlyOne(events, 'step.resumed').how).toBe('continue');
  });
});

describe('stopping and signalling', () => {
  it('stop() ends the whole tree: SIGTERM first, nothing left behind', async () => {
    let runId = '';
    const grandchild = nextEvent(
      () => runId,
      'mp.running',
      (e) => e.name === 'Process-1:1',
    );
    const started = await supervisor.start({
      kind: 'python',
      file: fixture('grandchildren_linger.py'),
    });
    runId = started.id;
    await grandchild;
    const end = await supervisor.stop(runId);
    expect(end).toMatchObject({ state: 'stopped', signal: 'SIGTERM' });
    const events = supervisor.events(runId);
    const pids = ofKind(events, 'proc.appeared').map((e) => e.pid);
    expect(pids.length).toBeGreaterThanOrEqual(3);
    expect(pids.filter(isLive)).toEqual([]);
    expect(
      ofKind(events, 'proc.exited')
        .map((e) => e.pid)
        .sort(),
    ).toEqual([...pids].sort());
  });

  it('signal() kills one process of the run and refuses others', async () => {
    let runId = '';
    const child = nextEvent(() => runId, 'mp.started');
    const started = await supervisor.start({
      kind: 'python',
      file: fixture('grandchildren_linger.py'),
    });
    runId = started.id;
    const { childPid } = await child;
    expect(() => supervisor.signal(runId, process.pid, 'kill')).toThrow(ProcscopeError);
    supervisor.signal(runId, childPid, 'kill');
    const end = await supervisor.waitForEnd(runId);
    expect(end.exitCode).toBe(0);
    const events = supervisor.events(runId);
    expect(ofKind(events, 'proc.exited').find((e) => e.pid === childPid)?.signal).toBe('SIGKILL');
    expect(ofKind(events, 'mp.exit').find((e) => e.childPid === childPid)?.exitCode).toBe(-9);
  });
});

describe('dispose', () => {
  it('stops every run and leaves nothing behind', async () => {
    const own = new LabSupervisor();
    let runId = '';
    const pids: number[] = [];
    const up = new Promise<void>((resolve) => {
      own.onEvents((id, events) => {
        if (id !== runId) return;
        pids.push(...ofKind(events, 'proc.appeared').map((e) => e.pid));
        if (ofKind(events, 'mp.running').some((e) => e.name === 'Process-1:1')) resolve();
      });
    });
    runId = (await own.start({ kind: 'python', file: fixture('grandchildren_linger.py') })).id;
    await up;
    expect(pids.filter(isLive).length).toBeGreaterThanOrEqual(3);
    await own.dispose();
    expect(own.run(runId).state).toBe('stopped');
    expect(pids.filter(isLive)).toEqual([]);
    await expect(own.start({ kind: 'python', file: fixture('step.py') })).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});

describe('bad input', () => {
  it('a missing script: the run fails with the reason, cleanly', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('no_such_script.py') });
    expect(summary).toMatchObject({ state: 'failed', exitCode: 2 });
    expect(summary.error).toContain("can't open file");
    expect(onlyOne(events, 'script.error')).toMatchObject({
      phase: 'open',
      type: 'FileNotFoundError',
    });
    expect(outputText(events, 'stderr')).toContain("can't open file");
    expect(ofKind(events, 'run.ended')).toHaveLength(1);
  });

  it('a syntax error: where it is, and Python’s own message', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('syntax_error.py') });
    expect(summary).toMatchObject({ state: 'failed', exitCode: 1 });
    const error = onlyOne(events, 'script.error');
    expect(error).toMatchObject({ phase: 'compile', type: 'SyntaxError', at: { line: 2 } });
    const stderr = outputText(events, 'stderr');
    expect(stderr).toContain('SyntaxError: invalid syntax');
    expect(stderr).not.toContain('procscope_tracer');
  });

  it('a missing interpreter: a clear error, and no run left behind', async () => {
    const before = supervisor.runs().length;
    const attempt = supervisor.start({
      kind: 'python',
      file: fixture('step.py'),
      python: '/nonexistent/python3',
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('Python 3.8+ was not found'),
    });
    expect(supervisor.runs()).toHaveLength(before);
  });

  it('an invalid request is refused before anything runs', async () => {
    const request = { kind: 'ruby', file: 'x.rb' } as unknown as Parameters<
      LabSupervisor['start']
    >[0];
    await expect(supervisor.start(request)).rejects.toMatchObject({ code: 'invalid-params' });
  });

  it('a malformed line on the event socket is ignored with a tracer error', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('malformed_line.py') });
    expect(summary).toMatchObject({ state: 'exited', exitCode: 0 });
    const errors = ofKind(events, 'tracer.error');
    expect(errors.map((e) => e.where)).toEqual(['protocol', 'protocol']);
    expect(errors[0]?.message).toContain('not JSON');
    expect(errors[1]?.message).toContain('malformed mp.created');
    expect(outputText(events)).toBe('still running\n');
  });
});

describe("the program's stdin", () => {
  it('takes typed lines, then its end; refuses more once closed or ended', async () => {
    let runId = '';
    const greeted = nextEvent(
      () => runId,
      'output',
      (e) => e.text.includes('hello Ada'),
    );
    const started = await supervisor.start({ kind: 'python', file: fixture('greet.py') });
    runId = started.id;
    expect(started.inputOpen).toBe(true);
    supervisor.input(runId, 'Ada\n');
    await greeted;
    supervisor.input(runId, 'one more', true);
    expect(supervisor.run(runId).inputOpen).toBe(false);
    expect(() => supervisor.input(runId, 'late\n')).toThrow(/already closed/);
    const end = await supervisor.waitForEnd(runId);
    expect(end).toMatchObject({ exitCode: 0, inputOpen: false });
    const events = supervisor.events(runId);
    expect(outputText(events)).toBe("name? hello Ada\nrest 'one more', then the end of input\n");
    expect(ofKind(events, 'input').map(({ text, eof }) => [text, eof])).toEqual([
      ['Ada\n', false],
      ['one more', true],
    ]);
    expect(() => supervisor.input(runId, 'after\n')).toThrow(/has ended/);
  });

  it('lab.input needs text or the end of input', () => {
    expect(RunInputRequestSchema.safeParse({ runId: 'r' }).success).toBe(false);
    expect(RunInputRequestSchema.safeParse({ runId: 'r', eof: true }).success).toBe(true);
    expect(RunInputRequestSchema.safeParse({ runId: 'r', text: 'x'.repeat(2e6) }).success).toBe(
      false,
    );
  });
});

describe('uninstrumented programs', () => {
  it('an exec run gets its lifecycle from the OS alone', async () => {
    const started = await supervisor.start({
      kind: 'exec',
      file: '/bin/sh',
      args: ['-c', 'sleep 0.5; echo done'],
    });
    const end = await supervisor.waitForEnd(started.id);
    expect(end).toMatchObject({ state: 'exited', exitCode: 0, kind: 'exec' });
    const events = supervisor.events(started.id);
    const sleep = ofKind(events, 'proc.appeared').find((e) => e.command[0] === 'sleep');
    expect(sleep).toMatchObject({ ppid: end.rootPid, source: 'os' });
    expect(ofKind(events, 'proc.exited').map((e) => e.pid)).toContain(sleep?.pid);
    expect(ofKind(events, 'tracer.attached')).toEqual([]);
    // Bytes on the shared pipes have no known writer.
    const output = onlyOne(events, 'output');
    expect(output.text).toBe('done\n');
    expect(output.pid).toBeUndefined();
  });

  it('an executable that does not exist fails as in a shell: status 127, "command not found"', async () => {
    const summary = await supervisor.start({ kind: 'exec', file: 'no-such-program-procscope' });
    expect(summary).toMatchObject({
      state: 'failed',
      exitCode: 127,
      error: 'no-such-program-procscope: command not found',
    });
    const path = await supervisor.start({ kind: 'exec', file: '/nonexistent/program' });
    expect(path).toMatchObject({
      exitCode: 127,
      error: '/nonexistent/program: No such file or directory',
    });
    expect((await supervisor.waitForEnd(summary.id)).state).toBe('failed');
  });
});

describe('an output flood', () => {
  it('100 MB written as fast as possible: bounded memory and delivery, dropped bytes counted', async () => {
    let delivered = 0;
    let calls = 0;
    const stop = supervisor.onEvents((_, events) => {
      calls += 1;
      for (const event of ofKind(events, 'output')) delivered += event.text.length;
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const startedAt = Date.now();
    const { summary, events } = await runToEnd(supervisor, { file: fixture('flood.py') });
    stop();
    expect(summary).toMatchObject({ state: 'exited', exitCode: 0 });
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    const total = 1600 * 65536;
    expect(summary.droppedOutputBytes + delivered).toBe(total);
    expect(summary.droppedOutputBytes).toBeGreaterThan(total * 0.9);
    // At most one window's worth per batch reached the listener.
    for (const event of ofKind(events, 'output'))
      expect(event.text.length).toBeLessThanOrEqual(64 * 1024);
    expect(calls).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });
});
