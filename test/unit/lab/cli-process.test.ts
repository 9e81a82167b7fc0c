// `procscope record` as a process of its own, where the shell around it matters: its stdout
// closed early by `| head`, and a limit on open files lower than the run needs.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../../src-main/core/recording/format';
import { ofKind } from './helpers/lab';

const dir = mkdtempSync(path.join(tmpdir(), 'procscope-cli-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tsx = import.meta.resolve('tsx/esm');
const entry = fileURLToPath(new URL('./helpers/cli-process.ts', import.meta.url));
// Expanded unquoted by bash: these paths have no spaces in them.
const procscope = `${process.execPath} --import ${tsx} ${entry}`;

/** Runs a bash command line in `dir`; `$PROCSCOPE` is the CLI. */
function bash(command: string, timeout = 60_000): { status: number | null; stderr: string } {
  const result = spawnSync('bash', ['-c', command], {
    cwd: dir,
    env: { ...process.env, PROCSCOPE: procscope },
    encoding: 'utf8',
    timeout,
  });
  return { status: result.status, stderr: result.stderr };
}

const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');

describe('procscope record | head -2 (10)', () => {
  it('stops like the program would, writes its recording, and prints no stack trace', async () => {
    writeFileSync(path.join(dir, 'count.py'), 'for i in range(1000000):\n    print(i)\n');
    bash(
      `python3 count.py 2>plain.err | head -2 >plain.out; echo "\${PIPESTATUS[0]}" >plain.status`,
    );
    bash(
      `$PROCSCOPE record --quiet --out count.procscope -- python3 count.py 2>traced.err | head -2 >traced.out; echo "\${PIPESTATUS[0]}" >traced.status`,
    );
    expect(read('traced.out')).toBe('0\n1\n');
    expect(read('traced.out')).toBe(read('plain.out'));
    // Python's own BrokenPipeError report, as plainly; nothing of Node's.
    expect(read('plain.err')).toContain('BrokenPipeError');
    expect(read('traced.err')).toBe(read('plain.err'));
    expect(read('traced.status')).toBe(read('plain.status'));
    const recording = await readRecording(path.join(dir, 'count.procscope'));
    expect(recording.summary.exitCode).toBe(Number(read('plain.status')));
  });
});

describe('a run with more processes than open files allow (12)', () => {
  // A tree, so that no process of the program needs many descriptors (each parent holds one per
  // child): only the supervisor, with one connection per traced process, runs short.
  const branches = 10;
  const leaves = 15;
  const total = 1 + branches + branches * leaves;
  writeFileSync(
    path.join(dir, 'many.py'),
    `import multiprocessing as mp, sys, time

def leaf():
    time.sleep(3)

def branch():
    kids = [mp.Process(target=leaf) for _ in range(${leaves})]
    for kid in kids:
        kid.start()
    for kid in kids:
        kid.join()
    sys.exit(0 if all(kid.exitcode == 0 for kid in kids) else 1)

if __name__ == '__main__':
    mp.set_start_method('fork')
    ps = [mp.Process(target=branch) for _ in range(${branches})]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print('joined', sum(p.exitcode == 0 for p in ps))
`,
  );
  const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;

  /** many.py recorded under `prlimit --nofile=limits`: its stderr and the pids that were traced. */
  async function recordUnder(limits: string, name: string) {
    const result = bash(
      `prlimit --nofile=${limits} $PROCSCOPE record --out ${name}.procscope -- python3 many.py >${name}.out`,
      120_000,
    );
    expect(result.status, result.stderr).toBe(0);
    expect(read(`${name}.out`)).toBe(`joined ${branches}\n`);
    const { events } = await readRecording(path.join(dir, `${name}.procscope`));
    const traced = new Set(ofKind(events, 'tracer.attached').map((event) => event.pid));
    return { stderr: result.stderr, traced };
  }

  it.runIf(hasPrlimit)(
    'a hard limit too low: the run says how many were not traced, and why',
    async () => {
      const { stderr, traced } = await recordUnder('128:128', 'low');
      const said = /(\d+) processes could not be traced: too many open files/.exec(stderr);
      expect(said, stderr).not.toBeNull();
      expect(traced.size).toBeLessThan(total);
      expect(traced.size + Number(said?.[1])).toBe(total);
    },
  );

  it.runIf(hasPrlimit)(
    'a soft limit too low: raised to the hard limit, every process traced',
    async () => {
      const { stderr, traced } = await recordUnder('128:8192', 'raised');
      expect(stderr).not.toContain('could not be traced');
      expect(traced.size).toBe(total);
    },
  );
});
