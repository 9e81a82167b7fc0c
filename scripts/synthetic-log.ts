// A large, plausible Lab log for benchmarks: a root process that starts many children, each
// with a few threads that it joins, messages through queues between neighbours, output lines
// and CPU samples of everything alive. Deterministic (seeded), so runs compare.
//
// Pure: no Node or DOM, so the component tests can import it too.

import type { LabEvent, LabEventInput } from '../src-main/common/lab';

export interface SyntheticOptions {
  processes: number;
  /** Threads per process, the main thread included. */
  threadsPerProcess: number;
  /** Total events; lifecycle events come first, messages and output fill the rest. */
  events: number;
  /** Length of the run, µs. */
  duration: number;
}

export const BENCH_LOG: SyntheticOptions = {
  processes: 200,
  threadsPerProcess: 5,
  events: 20_000,
  duration: 10_000_000,
};

/** Park–Miller: small, seeded, good enough to scatter events. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

export function syntheticLog(options: SyntheticOptions = BENCH_LOG): LabEvent[] {
  const rand = random(42);
  const events: LabEventInput[] = [];
  const file = '/home/student/lab/swarm.py';
  const at = (line: number) => ({ file, line });
  const root = 20_000;
  const procs: { pid: number; obj: string; start: number; end: number; threads: number[] }[] = [];

  /** The main thread plus Python threads; the main thread joins the first of them. */
  const addThreads = (pid: number, start: number, end: number): number[] => {
    const threads = [pid];
    for (let k = 1; k < options.threadsPerProcess; k++) {
      const tid = pid + k;
      const thread = `${pid}:${k}`;
      const born = start + 1_000 + k * 500;
      const died = born + (end - born - 2_000) * (0.3 + rand() * 0.6);
      const name = `Thread-${k}`;
      threads.push(tid);
      events.push(
        {
          t: born,
          kind: 'thread.created',
          pid,
          tid: pid,
          thread,
          name,
          target: '__main__.chore',
          daemon: false,
          internal: false,
          at: at(20),
        },
        { t: born + 100, kind: 'thread.started', pid, tid, thread, name },
        { t: died, kind: 'thread.finished', pid, tid, thread, name },
      );
      if (k === 1)
        events.push(
          {
            t: born + 200,
            kind: 'thread.join.call',
            pid,
            tid: pid,
            thread,
            timeout: null,
            at: at(22),
          },
          { t: died + 100, kind: 'thread.join.return', pid, tid: pid, thread, ended: true },
        );
    }
    return threads;
  };

  events.push({
    t: 0,
    kind: 'run.started',
    command: ['python3', 'swarm.py'],
    cwd: '/',
    stepMode: false,
  });
  events.push({
    t: 30_000,
    kind: 'tracer.attached',
    pid: root,
    tid: root,
    ppid: 1,
    python: '3.11.7',
    executable: '/usr/bin/python3',
    argv: ['swarm.py'],
    role: 'main',
  });
  const rootEnd = options.duration - 5_000;
  procs.push({
    pid: root,
    obj: '',
    start: 30_000,
    end: rootEnd,
    threads: addThreads(root, 30_000, rootEnd),
  });

  for (let i = 1; i < options.processes; i++) {
    const pid = root + i * 10;
    const obj = `${root}:${i}`;
    const created = 40_000 + i * 20_000;
    const start = created + 2_000 + rand() * 3_000;
    const end = Math.min(start + 1_000_000 + rand() * 5_000_000, options.duration - 50_000);
    const name = `Process-${i}`;
    events.push(
      {
        t: created,
        kind: 'mp.created',
        pid: root,
        tid: root,
        proc: obj,
        name,
        target: '__main__.work',
        args: `(${i},)`,
        at: at(12),
      },
      {
        t: start,
        kind: 'mp.started',
        pid: root,
        tid: root,
        proc: obj,
        childPid: pid,
        name,
        daemon: false,
        method: 'fork',
        at: at(13),
      },
      {
        t: start + 600,
        kind: 'tracer.attached',
        pid,
        tid: pid,
        ppid: root,
        python: '3.11.7',
        executable: '/usr/bin/python3',
        argv: ['swarm.py'],
        role: 'forked',
      },
      { t: start + 800, kind: 'mp.running', pid, tid: pid, proc: obj, name },
      {
        t: end - 300,
        kind: 'mp.exit',
        pid,
        tid: pid,
        proc: obj,
        childPid: pid,
        exitCode: 0,
        by: 'child',
      },
      { t: end, kind: 'proc.exited', pid, exitCode: null, signal: null },
    );
    procs.push({ pid, obj, start, end, threads: addThreads(pid, start, end) });
  }

  // The root joins its children in order, as the tutorial's main program does.
  let joinAt = 200_000 + options.processes * 20_000;
  for (const child of procs.slice(1)) {
    const call = Math.max(joinAt, 0);
    const done = Math.max(call, child.end) + 200;
    events.push(
      {
        t: call,
        kind: 'mp.join.call',
        pid: root,
        tid: root,
        proc: child.obj,
        timeout: null,
        at: at(30),
      },
      {
        t: done,
        kind: 'mp.join.return',
        pid: root,
        tid: root,
        proc: child.obj,
        ended: true,
        exitCode: 0,
      },
      {
        t: done + 50,
        kind: 'mp.exit',
        pid: root,
        tid: root,
        proc: child.obj,
        childPid: child.pid,
        exitCode: 0,
        by: 'parent',
      },
    );
    joinAt = done + 100;
  }

  // CPU samples every 100 ms of everything alive.
  for (let t = 100_000; t < options.duration; t += 100_000) {
    const alive = procs.filter((p) => p.start <= t && p.end >= t);
    events.push({
      t,
      kind: 'cpu.sample',
      intervalMs: 100,
      procs: alive.map((p) => {
        const threads = p.threads.map((tid) => ({ tid, cpu: Math.round(rand() * 400) / 10 }));
        return { pid: p.pid, cpu: threads.reduce((sum, th) => sum + th.cpu, 0), threads };
      }),
    });
  }
  events.push({
    t: options.duration - 5_000,
    kind: 'proc.exited',
    pid: root,
    exitCode: 0,
    signal: null,
  });
  events.push({
    t: options.duration,
    kind: 'run.ended',
    state: 'exited',
    exitCode: 0,
    signal: null,
    error: null,
  });

  // Fill up with queue messages between random live processes, and output lines.
  let message = 0;
  while (events.length < options.events) {
    const from = procs[1 + Math.floor(rand() * (procs.length - 1))];
    const to = procs[1 + Math.floor(rand() * (procs.length - 1))];
    if (!from || !to) break;
    const overlap = Math.min(from.end, to.end) - Math.max(from.start, to.start) - 5_000;
    if (overlap <= 0) continue;
    const t0 = Math.max(from.start, to.start) + rand() * overlap;
    if (rand() < 0.5 && events.length + 2 <= options.events) {
      const msg = `${from.pid}:m${message++}`;
      events.push(
        { t: t0, kind: 'ipc.put', pid: from.pid, tid: from.pid, channel: 'queue:1', msg },
        {
          t: t0 + 200 + rand() * 2_000,
          kind: 'ipc.get',
          pid: to.pid,
          tid: to.pid,
          channel: 'queue:1',
          msg,
        },
      );
    } else {
      events.push({
        t: t0,
        kind: 'output',
        pid: from.pid,
        stream: 'stdout',
        text: `step ${message++} done\n`,
        droppedBytes: 0,
      });
    }
  }

  events.sort((a, b) => a.t - b.t);
  return events
    .slice(0, options.events)
    .map((event, index) => ({ ...event, seq: index + 1 }) as LabEvent);
}
