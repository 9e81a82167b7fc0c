// Recordings round-trip, refuse what they cannot read, and export to Chrome Trace Event JSON.

import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { toChromeTrace, type TraceEvent } from '../../../src-main/core/recording/chrome-trace';
import {
  RECORDING_LIMITS,
  RECORDING_VERSION,
  decodeRecording,
  encodeRecording,
  readRecording,
  writeRecording,
} from '../../../src-main/core/recording/format';
import { fixture, runToEnd, type FinishedRun } from './helpers/lab';

let run: FinishedRun;
let dir: string;

beforeAll(async () => {
  const supervisor = new LabSupervisor();
  run = await runToEnd(supervisor, { file: fixture('pipe_threads_executor.py') });
  await supervisor.dispose();
  dir = await mkdtemp(path.join(tmpdir(), 'procscope-recording-'));
});

afterAll(async () => {
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
});

describe('recording files', () => {
  it('round-trips a run through a file', async () => {
    const file = path.join(dir, 'run.procscope');
    await writeRecording(file, run.summary, run.events, 'procscope-test');
    const recording = await readRecording(file);
    expect(recording.summary).toEqual(run.summary);
    expect(recording.events).toEqual(run.events);
    expect(recording.generator).toBe('procscope-test');
    // gzip'd JSON lines, the header first.
    const [header] = gunzipSync(await readFile(file))
      .toString('utf8')
      .split('\n');
    expect(JSON.parse(header ?? '')).toMatchObject({ format: 'procscope-recording', version: 1 });
  });

  it('refuses what it cannot read, saying which of the ways it is wrong', async () => {
    const refuse = (data: Buffer) => decodeRecording(data, 'x.procscope');
    await expect(refuse(Buffer.from('hello'))).rejects.toMatchObject({
      code: 'failed',
      message: 'x.procscope is not a Procscope recording: it is not gzip data.',
    });
    const good = await encodeRecording(run.summary, run.events, 'test');
    await expect(refuse(good.subarray(0, good.length - 20))).rejects.toThrow(
      'x.procscope is truncated: its data ends part-way through.',
    );
    await expect(refuse(gzipSync('{"format":"zip"}\n'))).rejects.toThrow(
      'x.procscope is not a Procscope recording: its first line is not a Procscope recording header.',
    );
    await expect(refuse(gzipSync(''))).rejects.toThrow('is not a Procscope recording: it is empty');
    const lines = gunzipSync(good).toString('utf8').split('\n');
    const broken = [...lines];
    broken[3] = '{"seq": "three"}';
    await expect(refuse(gzipSync(broken.join('\n')))).rejects.toThrow(
      'x.procscope is damaged: line 4 is not a valid event.',
    );
    // Whole lines missing at the end: gzip is intact, the events are not all there.
    const cut = [...lines.slice(0, 4), ''].join('\n');
    await expect(refuse(gzipSync(cut))).rejects.toThrow(
      `x.procscope is truncated: it holds 3 of the ${run.events.length} events its header promises.`,
    );
    const shuffled = [lines[0], lines[2], lines[1], ...lines.slice(3)];
    await expect(refuse(gzipSync(shuffled.join('\n')))).rejects.toThrow(
      'x.procscope is damaged: line 3 is not a valid event.',
    );
    await expect(readRecording(path.join(dir, 'missing.procscope'))).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('refuses a log beyond its budgets: events, line length, decompressed size', async () => {
    const limits = { ...RECORDING_LIMITS, maxEvents: 10 };
    const many = run.events.slice(0, 12);
    const lying = gunzipSync(await encodeRecording(run.summary, many, 'test'))
      .toString('utf8')
      .replace(/"eventCount":12/, '"eventCount":3');
    // The header promised 3: the cap still holds when the lines keep coming.
    await expect(decodeRecording(gzipSync(lying), 'x.procscope', limits)).rejects.toThrow(
      'x.procscope is too large to open: it holds more than 10 events; Procscope opens recordings of up to 10 events.',
    );
    const [header] = lying.split('\n');
    const long = `${header}\n${'{"seq":1,"t":0,"kind":"output","text":"'.padEnd(2048, 'x')}"}\n`;
    await expect(
      decodeRecording(gzipSync(long), 'x.procscope', { ...limits, maxLineBytes: 1024 }),
    ).rejects.toThrow('x.procscope is damaged: line 2 is longer than any event.');
    await expect(
      decodeRecording(gzipSync(lying), 'x.procscope', { ...limits, maxDecodedBytes: 1024 }),
    ).rejects.toThrow('x.procscope is too large when decompressed (more than 1 KB)');
  });

  it('refuses a recording from a newer version, saying so', async () => {
    const header = {
      format: 'procscope-recording',
      version: RECORDING_VERSION + 1,
      somethingNew: true,
    };
    const file = path.join(dir, 'newer.procscope');
    await writeFile(file, gzipSync(`${JSON.stringify(header)}\n`));
    await expect(readRecording(file)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('written by a newer Procscope (recording format 2)'),
    });
  });
});

describe('Chrome trace export', () => {
  it('is valid JSON with named tracks, nested slices, counters and matched flows', () => {
    const trace = JSON.parse(JSON.stringify(toChromeTrace(run.summary, run.events))) as {
      traceEvents: TraceEvent[];
    };
    const events = trace.traceEvents;
    const names = events
      .filter((e) => e.ph === 'M' && e.name === 'process_name')
      .map((e) => e.args?.name);
    expect(names).toContain(`main: pipe_threads_executor.py (${run.summary.rootPid})`);
    expect(
      events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args?.name),
    ).toContain('worker-bad');

    for (const slice of events.filter((e) => e.ph === 'X'))
      expect(slice.dur).toBeGreaterThanOrEqual(0);
    expect(events.some((e) => e.ph === 'X' && e.name.startsWith('join'))).toBe(true);
    expect(events.some((e) => e.ph === 'i' && e.name === 'ValueError: thread failed')).toBe(true);

    const starts = events.filter((e) => e.ph === 's');
    const ends = events.filter((e) => e.ph === 'f');
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.map((e) => e.id).sort()).toEqual(ends.map((e) => e.id).sort());
    expect(new Set(starts.map((e) => e.id)).size).toBe(starts.length);
    // Both messages of the pipe exchange are arrows between the two processes.
    const messages = ends.filter((e) => e.name.startsWith('pipe:'));
    expect(messages).toHaveLength(2);
    for (const end of messages) expect(starts.find((s) => s.id === end.id)?.pid).not.toBe(end.pid);
    expect(ends.filter((e) => e.name === 'start').length).toBeGreaterThanOrEqual(3);
    expect(ends.filter((e) => e.name === 'task')).toHaveLength(4);
  });

  it('draws the machine’s cores as one counter on a track of their own', () => {
    const sample = (t: number, cores: number[]) => ({
      seq: t,
      t,
      kind: 'cpu.sample' as const,
      intervalMs: 200,
      procs: [{ pid: 4100, cpu: 99, threads: [] }],
      cores,
    });
    const { traceEvents } = toChromeTrace(run.summary, [
      sample(200_000, [98.5, 3]),
      sample(400_000, [51, 49]),
    ]);
    const counters = traceEvents.filter((e) => e.ph === 'C' && e.name === 'CPU % per core');
    expect(counters.map((e) => [e.pid, e.ts, e.args])).toEqual([
      [0, 200_000, { 'core 0': 98.5, 'core 1': 3 }],
      [0, 400_000, { 'core 0': 51, 'core 1': 49 }],
    ]);
    const machine = traceEvents.find((e) => e.ph === 'M' && e.pid === 0);
    expect(machine?.args).toEqual({ name: 'Machine (every core)' });
  });
});
