// The pure parts of the Lessons store: what a run measured, how a wall time reads, and how a
// path the tracer reported is matched to a lesson program.
import type { LabEvent } from '$common/lab';
import { describe, expect, it } from 'vitest';
import { OutputBuffer } from '../../src-renderer/src/lib/lab-model';
import {
  formatWallTime,
  headlineOf,
  isProgram,
  measureRun,
  type RunMeasure,
} from '../../src-renderer/src/lib/lessons.svelte';
import { loadLog } from './timeline-fixtures';

describe('formatWallTime', () => {
  it('reads like a stopwatch: whole milliseconds below a second, then seconds', () => {
    expect(formatWallTime(6_040)).toBe('6 ms');
    expect(formatWallTime(48_100)).toBe('48 ms');
    expect(formatWallTime(999_400)).toBe('999 ms');
    expect(formatWallTime(1_000_000)).toBe('1.00 s');
    expect(formatWallTime(1_010_000)).toBe('1.01 s');
    expect(formatWallTime(12_345_000)).toBe('12.35 s');
  });
});

describe('isProgram', () => {
  it('matches the tracer’s absolute path to a lesson file by its ending, on any OS', () => {
    expect(isProgram('/opt/lessons/06_join.py', '06_join.py')).toBe(true);
    expect(isProgram('C:\\Procscope\\lessons\\06_join.py', '06_join.py')).toBe(true);
    expect(isProgram('06_join.py', '06_join.py')).toBe(true);
    expect(isProgram('/opt/lessons/106_join.py', '06_join.py')).toBe(false);
    expect(isProgram('/usr/lib/python3.11/multiprocessing/process.py', '06_join.py')).toBe(false);
  });
});

describe('measureRun', () => {
  function measure(name: Parameters<typeof loadLog>[0], events = loadLog(name)) {
    const output = new OutputBuffer(100);
    for (const event of events) if (event.kind === 'output') output.add(event);
    return measureRun(events, output.snapshot());
  }

  it("takes the program's own Wall time line as its time, with the tracer's and the run's spans", () => {
    expect(measure('two-sleepers-no-join')).toMatchObject({
      programUs: 10_000,
      printed: 'Wall time: 0.01 s',
      speedup: null,
      // From the main script's start (its tracer attached, at 38 ms) to its end.
      scriptUs: 10_100,
      endToEndUs: 1_056_500,
      stepped: false,
    });
    expect(measure('two-sleepers-join')).toMatchObject({
      programUs: 1_010_000,
      printed: 'Wall time: 1.01 s',
      scriptUs: 1_012_100,
    });
  });

  it('reads milliseconds and a speedup, from the main process only', () => {
    const events = loadLog('two-sleepers-no-join').map((event) =>
      event.kind === 'output' && event.text.startsWith('Wall time')
        ? { ...event, text: 'Wall time: 15.43 ms\nspeedup: 1.9x\n' }
        : event.kind === 'output' && event.pid === 4101
          ? { ...event, text: 'Wall time: 2.00 s\nspeedup: 9.9x\n' }
          : event,
    );
    expect(measure('two-sleepers-no-join', events)).toMatchObject({
      programUs: 15_430,
      printed: 'Wall time: 15.43 ms',
      speedup: 1.9,
    });
  });

  it('has no script time until the main script has ended, and ignores other processes', () => {
    const events = loadLog('two-sleepers-join').filter(
      (event) => !(event.kind === 'script.end' && event.pid === 4100),
    );
    const child: LabEvent = { kind: 'script.end', seq: 999, t: 2_000_000, pid: 4101, tid: 4101 };
    expect(measureRun([...events, child], []).scriptUs).toBeNull();
  });

  it('knows a run that paused in step mode, whose times measure the pauses', () => {
    const events: LabEvent[] = [
      ...loadLog('two-sleepers-join'),
      {
        kind: 'step.paused',
        seq: 999,
        t: 50_000,
        pid: 4100,
        tid: 4100,
        pause: 1,
        call: 'Process.start',
        obj: null,
        at: { file: '/x/06_join.py', line: 40 },
        code: 'process_1.start()',
      },
    ];
    expect(measureRun(events, []).stepped).toBe(true);
  });

  it("reads the lesson's values out of the output", () => {
    const lesson = { readouts: [{ pattern: String.raw`Wall time: (?<t>.+)$`, show: 'took {t}' }] };
    const output = new OutputBuffer(100);
    for (const event of loadLog('two-sleepers-join'))
      if (event.kind === 'output') output.add(event);
    expect(measureRun(loadLog('two-sleepers-join'), output.snapshot(), lesson).values).toEqual([
      'took 1.01 s',
    ]);
  });
});

describe('headlineOf', () => {
  const measured = (fields: Partial<RunMeasure>): RunMeasure => ({
    programUs: null,
    printed: null,
    speedup: null,
    scriptUs: 46_000,
    endToEndUs: 1_490_000,
    values: [],
    stepped: false,
    ...fields,
  });

  it("is the program's own time where it printed one, else the main script's", () => {
    expect(headlineOf({ timed: true }, measured({ programUs: 15_430 }))).toBe('15 ms');
    expect(headlineOf({ timed: true }, measured({}))).toBe('46 ms');
  });

  it('is the speedup where the program printed one: never a sum of times', () => {
    expect(headlineOf({ timed: true }, measured({ programUs: 3_900_000, speedup: 1 }))).toBe(
      '1.0×',
    );
    expect(headlineOf({ timed: true }, measured({ speedup: 1.94 }))).toBe('1.9×');
  });

  it('is nothing for a lesson that is not about time: its values speak', () => {
    expect(headlineOf({ timed: false }, measured({ programUs: 5_000 }))).toBeNull();
  });
});
