// Messages between processes and tasks handed to workers, matched across processes by id.

import { afterAll, describe, expect, it } from 'vitest';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, ofKind, onlyOne, outputText, runToEnd } from './helpers/lab';

const supervisor = new LabSupervisor({ settings: { ipcEventLimit: 50 } });
afterAll(() => supervisor.dispose());

describe('IPC and tasks', () => {
  it('a Queue exchange: every get names the put it received', async () => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('queue_exchange.py'),
      args: ['5'],
    });
    expect(summary.exitCode).toBe(0);
    const producer = onlyOne(events, 'mp.started').childPid;
    const puts = ofKind(events, 'ipc.put');
    const gets = ofKind(events, 'ipc.get');
    // Five items and the None that ends the loop.
    expect(puts).toHaveLength(6);
    expect(puts.every((put) => put.pid === producer)).toBe(true);
    expect(gets.every((get) => get.pid === summary.rootPid)).toBe(true);
    expect(gets.map((get) => get.msg)).toEqual(puts.map((put) => put.msg));
    expect(new Set([...puts, ...gets].map((e) => e.channel)).size).toBe(1);
    expect(outputText(events)).toContain('received 5');
  });

  it('stops reporting messages at the per-process budget, and says so', async () => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('queue_exchange.py'),
      args: ['200'],
    });
    expect(summary.exitCode).toBe(0);
    expect(ofKind(events, 'ipc.put')).toHaveLength(50);
    expect(ofKind(events, 'tracer.limit').map((e) => e.what)).toEqual(['ipc', 'ipc']);
    expect(outputText(events)).toContain('received 200');
  });

  it('a Pool map: one submission, a start and a finish per item in the workers', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('pool_map.py') });
    expect(summary.exitCode).toBe(0);
    const workers = new Set(ofKind(events, 'mp.started').map((e) => e.childPid));
    expect(workers.size).toBe(2);
    const [map, apply] = ofKind(events, 'task.submitted');
    expect(map).toMatchObject({ api: 'Pool.map', func: 'square', count: 10, pid: summary.rootPid });
    expect(apply).toMatchObject({ api: 'Pool.apply_async', count: 1 });
    const mapRuns = ofKind(events, 'task.finished').filter((e) => e.task === map?.task);
    expect(mapRuns.map((e) => e.index).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(mapRuns.every((e) => e.ok && workers.has(e.pid ?? 0))).toBe(true);
    expect(ofKind(events, 'task.started').filter((e) => e.task === apply?.task)).toHaveLength(1);
    expect(outputText(events)).toContain('[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n49');
  });

  it('lazy maps count a sized iterable, and say null for one that cannot tell', async () => {
    const { summary, events } = await runToEnd(supervisor, { file: fixture('task_counts.py') });
    expect(summary.exitCode).toBe(0);
    const submitted = ofKind(events, 'task.submitted');
    expect(submitted.map(({ api, count }) => [api, count])).toEqual([
      ['Pool.imap', 3],
      ['Pool.imap_unordered', null],
      ['ProcessPoolExecutor.map', 5],
      // zip() stops at the shorter of [2, 3, 4] and [1, 2].
      ['ProcessPoolExecutor.map', 2],
      ['ProcessPoolExecutor.map', null],
    ]);
    // The calls the workers ran: as counted where a count was known.
    const finished = ofKind(events, 'task.finished');
    expect(submitted.map(({ task }) => finished.filter((e) => e.task === task).length)).toEqual([
      3, 4, 5, 2, 2,
    ]);
    expect(outputText(events)).toBe('[2, 4, 6]\n[0, 2, 4, 6]\n[0, 2, 4, 6, 8]\n[2, 9]\n[0, 2]\n');
  });

  it('a Pipe, threads and a ProcessPoolExecutor', async () => {
    const { summary, events } = await runToEnd(supervisor, {
      file: fixture('pipe_threads_executor.py'),
    });
    expect(summary.exitCode).toBe(0);
    const sends = ofKind(events, 'ipc.send');
    const recvs = ofKind(events, 'ipc.recv');
    expect(sends).toHaveLength(2);
    expect(recvs.map((e) => e.msg).sort()).toEqual(sends.map((e) => e.msg).sort());
    // The echo goes the other way: each receive happened in the other process.
    for (const recv of recvs) expect(sends.find((s) => s.msg === recv.msg)?.pid).not.toBe(recv.pid);

    const started = ofKind(events, 'thread.started').filter((e) => e.name.startsWith('worker-'));
    expect(started.map((e) => e.name).sort()).toEqual(['worker-bad', 'worker-ok']);
    // A thread's events carry its own native id, not the process's.
    expect(started.every((e) => e.tid !== e.pid && e.pid === summary.rootPid)).toBe(true);
    const failed = onlyOne(events, 'thread.exception');
    expect(failed).toMatchObject({
      name: 'worker-bad',
      type: 'ValueError',
      message: 'thread failed',
    });
    expect(failed.tid).toBe(started.find((e) => e.name === 'worker-bad')?.tid);
    expect(ofKind(events, 'thread.join.return').filter((e) => e.ended)).toHaveLength(2);
    expect(
      ofKind(events, 'thread.created')
        .filter((e) => !e.internal)
        .map((e) => e.name),
    ).toEqual(['worker-ok', 'worker-bad']);

    const submitted = ofKind(events, 'task.submitted');
    expect(submitted.map((e) => e.api)).toEqual([
      'ProcessPoolExecutor.submit',
      'ProcessPoolExecutor.map',
    ]);
    expect(ofKind(events, 'task.finished').filter((e) => e.ok)).toHaveLength(4);
    expect(outputText(events)).toBe('HELLO\n42\n[2, 3, 4]\n');
  });
});
