import { describe, expect, it } from 'vitest';
import { parseTracerEvent } from '../../../src-main/core/lab/tracer-protocol';

const toRunTime = (ns: number): number => Math.round((ns - 1_000_000) / 1000);

describe('parseTracerEvent', () => {
  it('turns a wire event into a LabEvent on the run clock, with the connection pid', () => {
    const raw = {
      kind: 'mp.is_alive',
      t: 3_000_000,
      tid: 12,
      proc: '10:1',
      alive: true,
      at: null,
      extra: 'x',
    };
    expect(parseTracerEvent(raw, 10, toRunTime)).toEqual({
      kind: 'mp.is_alive',
      t: 2000,
      pid: 10,
      tid: 12,
      proc: '10:1',
      alive: true,
      at: null,
    });
  });

  it('says what is wrong with a bad event instead of throwing', () => {
    expect(parseTracerEvent('nope', 1, toRunTime)).toBe('an event without kind and time');
    expect(parseTracerEvent({ kind: 'run.ended', t: 1 }, 1, toRunTime)).toContain(
      'unknown kind "run.ended"',
    );
    expect(
      parseTracerEvent(
        { kind: 'mp.exit', t: 1, proc: '1:1', childPid: 2, exitCode: 'zero', by: 'child' },
        1,
        toRunTime,
      ),
    ).toContain('malformed mp.exit event (exitCode');
  });
});
