// Tracer overhead on lesson-like programs: each program runs N times plain and N times traced,
// alternating so that drift in machine load hits both alike.
//
//   npx tsx scripts/bench-lab.ts [--runs N]
//
// Both go through the same supervisor and are timed the same way - from the moment the program's
// process exists to its exit, as the watchdog reported them - so the difference is the tracer
// alone: "plain" is an exec run of `python -X utf8 -u script.py` (observed, not traced), "traced"
// a python run of the same script. The last column is the traced run end to end, with the
// supervisor's own start and finish (watchdog, sockets, last events).

import { fileURLToPath } from 'node:url';
import type { PythonInfo, StartRunRequest } from '../src-main/common/lab';
import { LabSupervisor } from '../src-main/core/lab/supervisor';

interface Program {
  label: string;
  script: string;
  args: string[];
}

const PROGRAMS: Program[] = [
  { label: 'two 1 s sleepers, joined', script: 'sleepers_join.py', args: [] },
  { label: 'CPU-bound work on 2 processes', script: 'cpu_work.py', args: ['12000000'] },
  { label: 'Queue exchange of 10k items', script: 'queue_exchange.py', args: ['10000'] },
];

function fixture(name: string): string {
  return fileURLToPath(new URL(`../test/fixtures/lab/${name}`, import.meta.url));
}

interface Timing {
  /** From the program's process start to its exit. */
  program: number;
  /** From start() to the end of the run. */
  total: number;
}

async function timedRun(supervisor: LabSupervisor, request: StartRunRequest): Promise<Timing> {
  const started = performance.now();
  const run = await supervisor.start(request);
  const summary = await supervisor.waitForEnd(run.id);
  const total = performance.now() - started;
  if (summary.exitCode !== 0)
    throw new Error(`${request.file} ended ${summary.state} ${summary.exitCode}`);
  const root = supervisor.events(run.id).filter((event) => event.pid === summary.rootPid);
  const appeared = root.find((event) => event.kind === 'proc.appeared')?.t ?? 0;
  const exited = root.find((event) => event.kind === 'proc.exited')?.t ?? 0;
  return { program: (exited - appeared) / 1000, total };
}

function plain(python: PythonInfo, program: Program): StartRunRequest {
  return {
    kind: 'exec',
    file: python.path,
    args: ['-X', 'utf8', '-u', fixture(program.script), ...program.args],
  };
}

function traced(program: Program): StartRunRequest {
  return { kind: 'python', file: fixture(program.script), args: program.args };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const supervisor = new LabSupervisor();
  const python = await supervisor.findPython();
  const rows: string[] = [];
  for (const program of PROGRAMS) {
    const plainWall: number[] = [];
    const tracedWall: number[] = [];
    const total: number[] = [];
    // One unmeasured round each: file caches, .pyc files, the supervisor's TCP server.
    await timedRun(supervisor, plain(python, program));
    await timedRun(supervisor, traced(program));
    for (let round = 0; round < runs; round += 1) {
      plainWall.push((await timedRun(supervisor, plain(python, program))).program);
      const result = await timedRun(supervisor, traced(program));
      tracedWall.push(result.program);
      total.push(result.total);
    }
    const base = median(plainWall);
    const overhead = ((median(tracedWall) - base) / base) * 100;
    rows.push(
      `| ${program.label} | ${base.toFixed(0)} | ${median(tracedWall).toFixed(0)} | ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} % | ${median(total).toFixed(0)} |`,
    );
  }
  await supervisor.dispose();
  process.stdout.write(
    [
      `Python ${python.version}, ${runs} runs each, medians.`,
      '',
      '| program | plain (ms) | traced (ms) | overhead | traced, end to end (ms) |',
      '|---|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
