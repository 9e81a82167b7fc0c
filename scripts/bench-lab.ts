// Tracer overhead, measured side by side: each program runs N times plain and N times traced,
// alternating so that drift in machine load hits both alike.
//
//   npx tsx scripts/bench-lab.ts [--runs N]
//
// "Plain" and "traced" go through the same supervisor and start Python the same way; plain runs
// have the tracer switched off (observed from outside, the program untouched). Where a program
// times itself (a spawn start, a Pool.map) its own figure is used; otherwise the time is from
// its process start to its exit as the watchdog saw them. The last figure is `procscope record`
// of an empty script, end to end as a shell would time it, against running the script plainly.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEvent, StartRunRequest } from '../src-main/common/lab';
import { LabSupervisor } from '../src-main/core/lab/supervisor';

interface Measure {
  label: string;
  script: string;
  args: string[];
  /** The program prints its own time in ms. */
  selfTimed: boolean;
  /** How the traced figure is compared with the plain one, and the target. */
  compare: 'extra-ms' | 'ratio' | 'percent';
  target: number;
}

const MEASURES: Measure[] = [
  {
    label: 'start-up of a spawn child (median of 20)',
    script: 'spawn_starts.py',
    args: ['20'],
    selfTimed: true,
    compare: 'extra-ms',
    target: 3,
  },
  {
    label: 'Pool.map over 10,000 tiny tasks',
    script: 'pool_tiny.py',
    args: ['10000'],
    selfTimed: true,
    compare: 'ratio',
    target: 1.5,
  },
  {
    label: 'Queue exchange of 10,000 items',
    script: 'queue_exchange.py',
    args: ['10000'],
    selfTimed: false,
    compare: 'percent',
    target: 5,
  },
  {
    label: 'two 1 s sleepers, joined',
    script: 'sleepers_join.py',
    args: [],
    selfTimed: false,
    compare: 'percent',
    target: 5,
  },
  {
    label: 'CPU-bound work on 2 processes',
    script: 'cpu_work.py',
    args: ['12000000'],
    selfTimed: false,
    compare: 'percent',
    target: 5,
  },
];

const RECORD_TARGET_MS = 150;
const root = fileURLToPath(new URL('..', import.meta.url));

function fixture(name: string): string {
  return path.join(root, 'test', 'fixtures', 'lab', name);
}

function stdoutOf(events: LabEvent[]): string {
  return events
    .filter((event) => event.kind === 'output' && event.stream === 'stdout')
    .map((event) => (event.kind === 'output' ? event.text : ''))
    .join('');
}

async function timedRun(supervisor: LabSupervisor, measure: Measure): Promise<number> {
  const request: StartRunRequest = {
    kind: 'python',
    file: fixture(measure.script),
    args: measure.args,
  };
  const run = await supervisor.start(request);
  const summary = await supervisor.waitForEnd(run.id);
  if (summary.exitCode !== 0)
    throw new Error(`${measure.script} ended ${summary.state} ${summary.exitCode}`);
  const events = supervisor.events(run.id);
  if (measure.selfTimed) {
    const ms = Number(stdoutOf(events).trim().split('\n').at(-1));
    if (!Number.isFinite(ms)) throw new Error(`${measure.script} printed no time`);
    return ms;
  }
  const own = events.filter((event) => event.pid === summary.rootPid);
  const appeared = own.find((event) => event.kind === 'proc.appeared')?.t ?? 0;
  const exited = own.find((event) => event.kind === 'proc.exited')?.t ?? 0;
  return (exited - appeared) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function verdict(measure: Pick<Measure, 'compare' | 'target'>, plain: number, traced: number) {
  switch (measure.compare) {
    case 'extra-ms': {
      const extra = traced - plain;
      return {
        text: `+${extra.toFixed(1)} ms`,
        goal: `≤ +${measure.target} ms`,
        met: extra <= measure.target,
      };
    }
    case 'ratio': {
      const ratio = traced / plain;
      return {
        text: `${ratio.toFixed(2)}×`,
        goal: `≤ ${measure.target}×`,
        met: ratio <= measure.target,
      };
    }
    case 'percent': {
      const percent = ((traced - plain) / plain) * 100;
      return {
        text: `${percent >= 0 ? '+' : ''}${percent.toFixed(1)} %`,
        goal: `≤ +${measure.target} %`,
        met: percent <= measure.target,
      };
    }
  }
}

function wallMs(command: string, args: string[]): number {
  const began = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - began;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}: ${String(result.stderr)}`);
  return ms;
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 7;
  const plain = new LabSupervisor({ settings: { trace: false } });
  const traced = new LabSupervisor();
  const python = await traced.findPython();
  const rows: string[] = [];
  for (const measure of MEASURES) {
    const plainMs: number[] = [];
    const tracedMs: number[] = [];
    // One unmeasured round each: file caches, .pyc files, the supervisor's TCP server.
    await timedRun(plain, measure);
    await timedRun(traced, measure);
    for (let round = 0; round < runs; round += 1) {
      plainMs.push(await timedRun(plain, measure));
      tracedMs.push(await timedRun(traced, measure));
    }
    const [p, t] = [median(plainMs), median(tracedMs)];
    const { text, goal, met } = verdict(measure, p, t);
    rows.push(
      `| ${measure.label} | ${p.toFixed(1)} | ${t.toFixed(1)} | ${text} | ${goal} | ${met ? 'met' : 'missed'} |`,
    );
  }
  await plain.dispose();
  await traced.dispose();

  const scratch = mkdtempSync(path.join(tmpdir(), 'procscope-bench-lab-'));
  try {
    const empty = fixture('empty.py');
    const cli = path.join(root, 'bin', 'procscope.js');
    const record = [cli, 'record', '--quiet', '--out', path.join(scratch, 'run.json'), '--'];
    const plainMs: number[] = [];
    const recordMs: number[] = [];
    wallMs(python.path, [empty]);
    wallMs(process.execPath, [...record, python.path, empty]);
    for (let round = 0; round < runs; round += 1) {
      plainMs.push(wallMs(python.path, [empty]));
      recordMs.push(wallMs(process.execPath, [...record, python.path, empty]));
    }
    const [p, t] = [median(plainMs), median(recordMs)];
    const { text, goal, met } = verdict({ compare: 'extra-ms', target: RECORD_TARGET_MS }, p, t);
    rows.push(
      `| \`procscope record\` of an empty script, end to end | ${p.toFixed(1)} | ${t.toFixed(1)} | ${text} | ${goal} | ${met ? 'met' : 'missed'} |`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  process.stdout.write(
    [
      `Python ${python.version}, ${runs} runs each, alternating, medians.`,
      '',
      '| measure | plain (ms) | traced (ms) | traced vs plain | target | |',
      '|---|---:|---:|---:|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
