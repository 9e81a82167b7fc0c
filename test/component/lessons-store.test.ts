// The pure parts of the Lessons store: what a run measured, how a wall time reads, and how a
// path the tracer reported is matched to a lesson program.
import type { LabEvent } from '$common/lab';
import { describe, expect, it } from 'vitest';
import { OutputBuffer } from '../../src-renderer/src/lib/lab-model';
import { formatWallTime, isProgram, measureRun } from '../../src-renderer/src/lib/lessons.svelte';
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
  function measure(name: Parameters<typeof loadLog>[0]) {
    const events = loadLog(name);
    const output = new OutputBuffer(100);
    for (const event of events) if (event.kind === 'output') output.add(event);
    return measureRun(events, output.snapshot());
  }

  it("takes the main script's time and its own Wall time line", () => {
    expect(measure('two-sleepers-no-join')).toEqual({
      scriptUs: 48_100,
      printed: ['Wall time: 0.01 s'],
    });
    expect(measure('two-sleepers-join')).toEqual({
      scriptUs: 1_050_100,
      printed: ['Wall time: 1.01 s'],
    });
  });

  it('has no time until the main script has ended, and ignores other processes', () => {
    const events = loadLog('two-sleepers-join').filter(
      (event) => !(event.kind === 'script.end' && event.pid === 4100),
    );
    const child: LabEvent = { kind: 'script.end', seq: 999, t: 2_000_000, pid: 4101, tid: 4101 };
    expect(measureRun([...events, child], []).scriptUs).toBeNull();
  });
});
