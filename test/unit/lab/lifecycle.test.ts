// The process lifecycle of the tutorial's programs, asserted on the recorded events.

import { afterAll, describe, expect, it } from 'vitest';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, ofKind, onlyOne, outputText, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor();
afterAll(() => supervisor.dispose());

describe('process lifecycle', () => {
  it('two sleepers joined: the main module ends after both children, about a second in', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('sleepers_join.py') });
    expect(summary).toMatchObject({ state: 'exited', exitCode: 0, signal: null });

    const started = ofKind(events, 'mp.started');
    expect(started.map((e) => e.name)).toEqual(['Process-1', 'Process-2']);
    const childPids = started.map((e) => e.childPid);
    const exits = ofKind(events, 'mp.exit');
    expect(exits.map((e) => e.exitCode)).toEqual([0, 0]);
    expect(ofKind(events, 'mp.join.return').every((e) => e.ended && e.exitCode === 0)).toBe(true);

    const end = onlyOne(events, 'script.end');
    expect(end.pid).toBe(summary.rootPid);
    for (const exit of exits) expect(end.t).toBeGreaterThan(exit.t);
    const wall = end.t - Math.min(...started.map((e) => e.t));
    expect(wall).toBeGreaterThan(950_000);
    expect(wall).toBeLessThan(2_500_000);

    // The OS view agrees: three processes appeared and exited, the children with code 0.
    const appeared = ofKind(events, 'proc.appeared').map((e) => e.pid);
    expect(appeared).toEqual(expect.arrayContaining([summary.rootPid, ...childPids]));
    const exited = ofKind(events, 'proc.exited');
    for (const pid of childPids) expect(exited.find((e) => e.pid === pid)?.exitCode).toBe(0);
    expect(exited.find((e) => e.pid === summary.rootPid)?.exitCode).toBe(0);

    // Output is attributed to the process that printed it.
    const sleeping = ofKind(events, 'output').filter((e) => e.text.includes("I'm going to sleep"));
    expect(sleeping.map((e) => e.pid).sort()).toEqual([...childPids].sort());
    expect(outputText(events)).toMatch(/Wall time: 1\.\d\d s/);
    expect(ofKind(events, 'run.ended').at(-1)?.seq).toBe(summary.lastSeq);
  });

  it('two sleepers without join: the main module is done in milliseconds, the children a second later', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('sleepers_nojoin.py') });
    expect(summary.exitCode).toBe(0);
    const firstStart = Math.min(...ofKind(events, 'mp.started').map((e) => e.t));
    const end = onlyOne(events, 'script.end');
    expect(end.t - firstStart).toBeLessThan(300_000);
    for (const exit of ofKind(events, 'mp.exit')) expect(exit.t - end.t).toBeGreaterThan(900_000);
    // Python's exit joins the children itself: no line of the user's code made those calls.
    const joins = ofKind(events, 'mp.join.call');
    expect(joins).toHaveLength(2);
    expect(joins.every((e) => e.at === null && e.t > end.t)).toBe(true);
  });

  it('an exception in the target: type and traceback recorded, exit code 1', async () => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('target_exception.py'),
    });
    expect(summary.exitCode).toBe(0);
    const exception = onlyOne(events, 'mp.exception');
    expect(exception).toMatchObject({ type: 'NameError', message: "name 'name' is not defined" });
    expect(exception.traceback).toContain('return name');
    expect(exception.traceback).not.toContain('procscope_tracer');
    const child = onlyOne(events, 'mp.started').childPid;
    expect(exception.pid).toBe(child);
    expect(onlyOne(events, 'mp.exit')).toMatchObject({ exitCode: 1, childPid: child });
    expect(onlyOne(events, 'mp.join.return').exitCode).toBe(1);
    // Python's own report still reaches stderr, unchanged.
    expect(outputText(events, 'stderr')).toContain('Process Process-1:');
  });

  it('terminate() ends with -15 and kill() with -9', async () => {
    const { events } = await runToEnd(supervisor, { file: fixture('terminate_kill.py') });
    const byName = new Map(ofKind(events, 'mp.started').map((e) => [e.name, e]));
    const exitOf = (name: string) =>
      ofKind(events, 'mp.exit').find((e) => e.proc === byName.get(name)?.proc);
    expect(exitOf('gentle')).toMatchObject({ exitCode: -15, by: 'parent' });
    expect(exitOf('hard')).toMatchObject({ exitCode: -9, by: 'parent' });
    expect(ofKind(events, 'mp.terminate').map((e) => e.childPid)).toEqual([
      byName.get('gentle')?.childPid,
    ]);
    expect(ofKind(events, 'mp.kill').map((e) => e.childPid)).toEqual([
      byName.get('hard')?.childPid,
    ]);
    const osExit = (name: string) =>
      ofKind(events, 'proc.exited').find((e) => e.pid === byName.get(name)?.childPid);
    expect(osExit('gentle')?.signal).toBe('SIGTERM');
    expect(osExit('hard')?.signal).toBe('SIGKILL');
    expect(onlyOne(events, 'mp.is_alive')).toMatchObject({ alive: true, at: { line: 16 } });
  });

  it.each(['spawn', 'forkserver'])('the %s start method, with a grandchild', async (method) => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('spawn_grandchild.py'),
      args: [method],
    });
    expect(summary.exitCode).toBe(0);
    const started = ofKind(events, 'mp.started');
    expect(started.map((e) => [e.name, e.method])).toEqual([
      ['child', method],
      ['grandchild', method],
    ]);
    const [child, grandchild] = started;
    // The grandchild was started by the child; every interpreter on the way is traced too.
    expect(grandchild?.pid).toBe(child?.childPid);
    const attached = ofKind(events, 'tracer.attached').find((e) => e.pid === grandchild?.childPid);
    expect(attached?.role).toBe(method === 'spawn' ? 'spawned' : 'forked');
    if (method === 'spawn') expect(attached?.ppid).toBe(child?.childPid);
    expect(ofKind(events, 'mp.running').map((e) => e.name)).toEqual(['child', 'grandchild']);
    expect(ofKind(events, 'mp.exit').map((e) => e.exitCode)).toEqual([0, 0]);
    expect(outputText(events)).toContain(`grandchild ${grandchild?.childPid} of `);
  });

  it('a daemon process is terminated when the main process exits', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('daemon.py') });
    expect(summary.exitCode).toBe(0);
    const started = onlyOne(events, 'mp.started');
    expect(started.daemon).toBe(true);
    expect(onlyOne(events, 'mp.exit')).toMatchObject({ exitCode: -15, by: 'parent' });
    const end = onlyOne(events, 'script.end');
    expect(onlyOne(events, 'mp.join.call')).toMatchObject({ at: null });
    expect(onlyOne(events, 'mp.exit').t).toBeGreaterThan(end.t);
  });

  it('misuse of the API is recorded where it happened', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('misuse.py') });
    expect(summary.exitCode).toBe(0);
    const errors = ofKind(events, 'api.error');
    expect(errors.map((e) => [e.call, e.type, e.message, e.at?.line])).toEqual([
      ['Process.start', 'AssertionError', 'cannot start a process twice', 13],
      ['Process.join', 'AssertionError', 'can only join a started process', 19],
    ]);
    expect(ofKind(events, 'mp.started')).toHaveLength(1);
  });

  it('samples the CPU of busy processes and threads', async () => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('cpu_burn.py'),
      args: ['0.8'],
    });
    const samples = ofKind(events, 'cpu.sample');
    const peak = (pid: number | null) =>
      Math.max(
        0,
        ...samples.flatMap((s) => s.procs.filter((p) => p.pid === pid).map((p) => p.cpu)),
      );
    // Absolute figures depend on what else the machine is doing; the contrast does not: the
    // workers burn CPU while the main process sits in join().
    const workers = ofKind(events, 'mp.started').map((e) => e.childPid);
    for (const pid of workers) {
      expect(peak(pid)).toBeGreaterThan(15);
      expect(peak(pid)).toBeGreaterThan(peak(summary.rootPid) * 3);
    }
    const worker = samples.flatMap((s) => s.procs).find((p) => p.pid === workers[0]);
    expect(worker?.threads.map((t) => t.tid)).toContain(workers[0]);
  });
});
