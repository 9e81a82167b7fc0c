// CPython's own multiprocessing and concurrent.futures tests, run plainly and under the tracer:
// every test that passes plainly must pass traced.
//
//   npm run conformance                  the chosen classes, for fork, spawn and forkserver
//   npm run conformance -- --quick       a few-minute subset (part of npm test)
//   PROCSCOPE_CONFORMANCE_PYTHON=...     another Python 3.12+ with the `test` package
//
// Each selection runs once plainly (the tracer switched off) and once traced, through the same
// supervisor, one at a time. A test that passes plainly and not traced is run again on its own,
// both ways, twice: CPython's tests are timing-sensitive on a busy machine, and only a test that
// keeps passing plainly and failing traced is a difference. Exits 1 if there is one.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabSupervisor } from '../src-main/core/lab/supervisor';

type Outcome = 'ok' | 'fail' | 'error' | 'skip' | 'xfail' | 'xpass' | 'missing';
type Outcomes = Record<string, Outcome>;

const METHODS = ['fork', 'spawn', 'forkserver'] as const;
const QUICK_CLASSES = ['Queue', 'Pool', 'Lock', 'Event'];
const FUTURES_MODULES = ['test_process_pool', 'test_as_completed', 'test_wait', 'test_init'];
/** A selection that runs longer than this is stopped: its unfinished tests count as missing. */
const RUN_LIMIT_MS = 20 * 60_000;
const RETRIES = 2;

const root = fileURLToPath(new URL('..', import.meta.url));
const runner = path.join(root, 'scripts', 'conformance_runner.py');

interface Selection {
  label: string;
  names: string[];
}

export function selections(quick: boolean): Selection[] {
  const multiprocessing = METHODS.map((method) => {
    const base = `test.test_multiprocessing_${method}`;
    return {
      label: `multiprocessing, ${method}`,
      names: quick
        ? QUICK_CLASSES.map((name) => `${base}.test_processes.WithProcessesTest${name}`)
        : [`${base}.test_processes`, `${base}.test_misc`],
    };
  });
  const futures = quick
    ? [
        {
          label: 'concurrent.futures',
          names: ['Fork', 'Spawn', 'Forkserver'].map(
            (method) =>
              `test.test_concurrent_futures.test_process_pool.ProcessPool${method}ProcessPoolExecutorTest`,
          ),
        },
      ]
    : [
        {
          label: 'concurrent.futures',
          names: FUTURES_MODULES.map((module) => `test.test_concurrent_futures.${module}`),
        },
      ];
  return [...multiprocessing, ...futures];
}

async function outcomes(
  supervisor: LabSupervisor,
  python: string,
  names: string[],
): Promise<Outcomes> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'procscope-conformance-'));
  const out = path.join(scratch, 'outcomes.json');
  try {
    const run = await supervisor.start({
      kind: 'python',
      python,
      file: runner,
      args: [out, ...names],
      cwd: scratch,
    });
    const limit = setTimeout(() => void supervisor.stop(run.id), RUN_LIMIT_MS);
    await supervisor.waitForEnd(run.id).finally(() => clearTimeout(limit));
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as Outcomes;
    } catch {
      return {};
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const passed = (outcome: Outcome | undefined): boolean => outcome === 'ok' || outcome === 'xfail';

export interface SelectionResult {
  label: string;
  tests: number;
  passPlain: number;
  passTraced: number;
  retried: number;
  /** Passes plainly, fails traced, also when run again on its own. */
  differences: string[];
}

export async function conformance(
  python: string,
  chosen: Selection[],
  log: (line: string) => void = () => undefined,
): Promise<SelectionResult[]> {
  const plain = new LabSupervisor({ settings: { trace: false } });
  const traced = new LabSupervisor();
  const results: SelectionResult[] = [];
  try {
    for (const selection of chosen) {
      log(`${selection.label}: plainly…`);
      const plainOutcomes = await outcomes(plain, python, selection.names);
      log(`${selection.label}: traced…`);
      const tracedOutcomes = await outcomes(traced, python, selection.names);
      const ids = Object.keys(plainOutcomes).sort();
      let suspects = ids.filter(
        (id) => passed(plainOutcomes[id]) && !passed(tracedOutcomes[id] ?? 'missing'),
      );
      const retried = suspects.length;
      for (let attempt = 0; attempt < RETRIES && suspects.length > 0; attempt += 1) {
        log(`${selection.label}: ${suspects.length} to run again on their own…`);
        const still: string[] = [];
        for (const id of suspects) {
          const again = (await outcomes(traced, python, [id]))[id];
          if (passed(again)) continue;
          // Failing traced: does it still pass plainly, now?
          if (passed((await outcomes(plain, python, [id]))[id])) still.push(id);
        }
        suspects = still;
      }
      results.push({
        label: selection.label,
        tests: ids.length,
        passPlain: ids.filter((id) => passed(plainOutcomes[id])).length,
        passTraced: ids.filter((id) => passed(tracedOutcomes[id])).length,
        retried,
        differences: suspects,
      });
    }
  } finally {
    await plain.dispose();
    await traced.dispose();
  }
  return results;
}

export function defaultPython(): string {
  return (
    process.env.PROCSCOPE_CONFORMANCE_PYTHON ||
    path.join(homedir(), '.pyenv', 'versions', '3.13.0', 'bin', 'python3.13')
  );
}

export function table(results: SelectionResult[]): string {
  return [
    '| tests of | tests | pass plainly | pass traced | run again | pass plainly, fail traced |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.label} | ${r.tests} | ${r.passPlain} | ${r.passTraced} | ${r.retried} | ${r.differences.length} |`,
    ),
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  if (quick && process.platform !== 'linux') {
    // fork and forkserver are POSIX, and the CPython test package is set up on the Linux runner.
    process.stdout.write(
      `conformance: the quick subset runs on Linux; this is ${process.platform}.\n`,
    );
    return;
  }
  const python = defaultPython();
  const began = performance.now();
  const results = await conformance(python, selections(quick), (line) =>
    process.stderr.write(`conformance: ${line}\n`),
  );
  const differences = results.flatMap((r) => r.differences);
  const empty = results.filter((r) => r.passPlain === 0);
  process.stdout.write(
    [
      `${python}, ${quick ? 'quick subset' : 'chosen classes'}, ${((performance.now() - began) / 1000).toFixed(0)} s.`,
      '',
      table(results),
      '',
      ...differences.map((id) => `pass plainly, fail traced: ${id}`),
      ...empty.map(
        (r) => `${r.label}: no test passed plainly (is ${python} a Python with the test package?)`,
      ),
      '',
    ].join('\n'),
  );
  process.exitCode = differences.length > 0 || empty.length > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await main();
}
