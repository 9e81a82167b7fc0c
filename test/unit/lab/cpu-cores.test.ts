// The machine's cores, sampled with every CPU sample of a run: what the Timeline's cores strip and
// the run's total are drawn from. First the observer on scripted counters (exact figures), then a
// real run read against an oracle: the run's own processes are part of what the cores did.

import { availableParallelism } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabEventInput, LabEventOf } from '../../../src-main/common/lab';
import { RunObserver, type CoreReader } from '../../../src-main/core/lab/observer';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import type { CoreTimes } from '../../../src-main/core/system/sampler';
import { fixture, ofKind, runToEnd } from './helpers/lab';

type Sample = LabEventOf<'cpu.sample'>;

/** An observer of one process that never exits, ticking every 10 ms, on scripted core counters. */
function observe(readings: (CoreTimes[] | Error)[]): {
  samples: Omit<Sample, 'seq'>[];
  stop(): Promise<void>;
  read: () => number;
} {
  const samples: Omit<Sample, 'seq'>[] = [];
  let reads = 0;
  const cores: CoreReader = async () => {
    const next = readings[Math.min(reads, readings.length - 1)];
    reads += 1;
    if (next instanceof Error) throw next;
    return next ?? [];
  };
  const observer = new RunObserver({
    tree: {
      read: async (root) => [{ pid: root, ppid: 1, start: '1', zombie: false }],
      command: async () => ['python3'],
    },
    probe: async (pids) => new Map(pids.map((pid) => [pid, { cpuMs: 0, threads: [] }])),
    cores,
    intervalMs: 10,
    now: () => 0,
    emit: (event: LabEventInput) => {
      if (event.kind === 'cpu.sample') samples.push(event);
    },
  });
  observer.start(4242, 1, ['python3'], 0);
  return { samples, stop: () => observer.stop(), read: () => reads };
}

const core = (busy: number, total: number): CoreTimes => ({ busy, total });

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('per-core CPU in the run’s samples', () => {
  it('gives each core’s busy share since the previous reading, from a baseline taken at start', async () => {
    const run = observe([
      [core(0, 0), core(0, 0)],
      // Core 0 fully busy, core 1 a quarter.
      [core(100, 100), core(25, 100)],
      // Then core 0 idle, core 1 three quarters.
      [core(100, 200), core(100, 200)],
    ]);
    await until(() => run.samples.filter((s) => s.cores).length >= 2);
    await run.stop();
    const withCores = run.samples.filter((s) => s.cores);
    expect(withCores[0]?.cores).toEqual([100, 25]);
    expect(withCores[1]?.cores).toEqual([0, 75]);
    // The first tick has no process figures yet (nothing to be a rate against) but does have
    // the cores, thanks to the baseline: the strip starts with the run.
    expect(withCores[0]?.procs).toEqual([]);
    expect(withCores[0]?.intervalMs).toBeGreaterThanOrEqual(0);
  });

  it('leaves a sample without cores when they cannot be read, or when a core went offline', async () => {
    const run = observe([
      [core(0, 0), core(0, 0)],
      new Error('EACCES'),
      [core(50, 100), core(50, 100)],
      // One core fewer: the indices no longer line up, so no figures this time…
      [core(100, 200)],
      // …and the next reading is a rate against that one.
      [core(150, 300)],
    ]);
    await until(() => run.read() >= 6);
    await run.stop();
    const figures = run.samples.map((s) => s.cores ?? null).filter((c) => c !== null);
    expect(figures.slice(0, 2)).toEqual([[50, 50], [50]]);
    // Process figures go on regardless.
    expect(run.samples.some((s) => s.procs.length > 0)).toBe(true);
  });
});

describe('per-core CPU of a real run', () => {
  const supervisor = new LabSupervisor();
  afterAll(() => supervisor.dispose());

  it('lists every logical core, and the cores were at least as busy as the run itself', async () => {
    const { events } = await runToEnd(supervisor, { file: fixture('cpu_burn.py'), args: ['0.8'] });
    const samples = ofKind(events, 'cpu.sample').filter((s) => s.cores);
    expect(samples.length).toBeGreaterThanOrEqual(3);
    for (const sample of samples) {
      expect(sample.cores).toHaveLength(availableParallelism());
      for (const busy of sample.cores ?? []) {
        expect(busy).toBeGreaterThanOrEqual(0);
        expect(busy).toBeLessThanOrEqual(100);
      }
    }
    // The oracle: the run's processes ran on those cores, so over the run the cores' busy time
    // covers the run's CPU time (less a margin: the two are read a moment apart, and the
    // kernel counts core time in 10 ms ticks).
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    const runCpu = sum(samples.map((s) => sum(s.procs.map((p) => p.cpu)) * s.intervalMs));
    const coresCpu = sum(samples.map((s) => sum(s.cores ?? []) * s.intervalMs));
    expect(runCpu).toBeGreaterThan(0);
    expect(coresCpu).toBeGreaterThanOrEqual(runCpu * 0.85);
  });
});
