// The headless CLI, called in-process with captured streams.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli';
import { readRecording } from '../../../src-main/core/recording/format';
import { fixture, ofKind } from './helpers/lab';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'procscope-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWith(new PassThrough(), ...argv);
}

async function cliWith(
  stdin: PassThrough,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on('data', (chunk: Buffer) => {
    chunks.stderr.push(chunk);
    // Answer step prompts the way a person would: Enter twice, then "c".
    const prompts = Buffer.concat(chunks.stderr).toString().split('[Enter = step').length - 1;
    if (chunk.toString().includes('[Enter = step')) stdin.write(prompts < 3 ? '\n' : 'c\n');
  });
  const code = await main(argv, { stdout, stderr, stdin });
  return {
    code,
    stdout: Buffer.concat(chunks.stdout).toString(),
    stderr: Buffer.concat(chunks.stderr).toString(),
  };
}

describe('procscope record / export', () => {
  it('records a Python program, passes its output and exit status through', async () => {
    const out = path.join(dir, 'exit.procscope');
    const result = await cli('record', '--out', out, '--', 'python3', fixture('exit_code.py'));
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('bye\n');
    expect(result.stderr).toContain('bye on stderr\n');
    expect(result.stderr).toMatch(/procscope [\d.]+s: exited; \d+ events recorded to /);
    const recording = await readRecording(out);
    expect(recording.summary).toMatchObject({ kind: 'python', exitCode: 3, state: 'exited' });

    const exported = await cli('export', '--chrome', out);
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toHaveProperty('traceEvents');
  });

  it('reports progress of the lifecycle on stderr', async () => {
    const result = await cli(
      'record',
      '--out',
      path.join(dir, 'exc.procscope'),
      '--',
      'python3',
      fixture('target_exception.py'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Process-1 started: pid \d+ \(fork\) at target_exception.py:12/);
    expect(result.stderr).toMatch(/Process-1: NameError: name 'name' is not defined/);
    expect(result.stdout).toBe('exitcode 1\n');
  });

  it('records any other program as observed only, with --quiet silencing progress', async () => {
    const out = path.join(dir, 'sh.procscope');
    const result = await cli(
      'record',
      '--quiet',
      '--out',
      out,
      '--',
      '/bin/sh',
      '-c',
      'echo hi; exit 4',
    );
    expect(result).toEqual({ code: 4, stdout: 'hi\n', stderr: '' });
    expect((await readRecording(out)).summary.kind).toBe('exec');
  });

  it('--step pauses at each lifecycle call: Enter steps, c continues', async () => {
    const out = path.join(dir, 'step.procscope');
    const result = await cliWith(
      new PassThrough(),
      'record',
      '--step',
      '--out',
      out,
      '--',
      'python3',
      fixture('step.py'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/paused pid \d+ in Process.start at step.py:12: p.start\(\)/);
    expect(result.stderr).toMatch(/paused pid \d+ in Process.join at step.py:14: p.join\(\)/);
    const { events } = await readRecording(out);
    expect(ofKind(events, 'step.resumed').map((e) => e.how)).toEqual(['step', 'step', 'continue']);
  });

  it('explains bad usage and missing files in one line', async () => {
    expect(await cli()).toMatchObject({
      code: 2,
      stderr: 'procscope: no command given\nRun "procscope --help" for usage.\n',
    });
    expect((await cli('record', '--', 'python3')).stderr).toContain(
      'record: --out FILE is required',
    );
    // Python says what it cannot open, and exits as it would: procscope adds nothing to that.
    const noScript = await cli(
      'record',
      '--quiet',
      '--out',
      path.join(dir, 'x'),
      '--',
      'python3',
      '-u',
      'x.py',
    );
    expect(noScript.code).toBe(2);
    expect(noScript.stderr).toMatch(
      /^\S*python3: can't open file '.*x\.py': \[Errno 2\] No such file or directory\n$/,
    );
    expect((await cli('export', 'x.procscope')).stderr).toContain('say which format (--chrome)');
    const missing = await cli('export', '--chrome', path.join(dir, 'none.procscope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`procscope: ${path.join(dir, 'none.procscope')} does not exist.\n`);
    const noPython = await cli(
      'record',
      '--out',
      path.join(dir, 'np.procscope'),
      '--',
      '/nonexistent/python3',
      'x.py',
    );
    expect(noPython).toMatchObject({
      code: 127,
      stderr: 'procscope: /nonexistent/python3: No such file or directory\n',
    });
    expect((await cli('--help')).stdout).toContain('procscope record --out FILE');
  });
});
