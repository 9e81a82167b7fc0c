import { describe, expect, it, vi } from 'vitest';
import type { LabEvent, LabEventInput } from '../../../src-main/common/lab';
import { EventLog } from '../../../src-main/core/lab/event-log';
import { RunEventStream } from '../../../src-main/core/lab/event-stream';
import { OutputCollector } from '../../../src-main/core/lab/output';

const marker = (t: number): LabEventInput => ({ kind: 'script.end', t, pid: 1 });
const output = (t: number, text: string): LabEventInput => ({
  kind: 'output',
  t,
  stream: 'stdout',
  text,
  droppedBytes: 0,
});

describe('EventLog', () => {
  it('numbers events and serves them since a seq', () => {
    const log = new EventLog({ maxEvents: 10, maxOutputBytes: 100 });
    for (let t = 0; t < 5; t += 1) log.append(marker(t));
    expect(log.lastSeq).toBe(5);
    expect(log.since(3).map((e) => e.seq)).toEqual([4, 5]);
    expect(log.since().map((e) => e.t)).toEqual([0, 1, 2, 3, 4]);
  });

  it('evicts the oldest events beyond its size, and counts them', () => {
    const log = new EventLog({ maxEvents: 1000, maxOutputBytes: 100 });
    for (let t = 0; t < 5000; t += 1) log.append(marker(t));
    const kept = log.since();
    expect(kept).toHaveLength(1000);
    expect(kept[0]?.seq).toBe(4001);
    expect(log.droppedEvents).toBe(4000);
    expect(log.since(4990).map((e) => e.seq)).toEqual([
      4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000,
    ]);
  });

  it('evicts old output first, so a flood keeps the lifecycle events', () => {
    const log = new EventLog({ maxEvents: 1000, maxOutputBytes: 10 });
    log.append(marker(0));
    for (let t = 1; t <= 20; t += 1) log.append(output(t, 'abcd'));
    log.append(marker(21));
    const kept = log.since();
    expect(kept.map((e) => e.kind)).toEqual(['script.end', 'output', 'output', 'script.end']);
    expect(log.droppedOutputBytes).toBe(18 * 4);
  });
});

describe('OutputCollector', () => {
  it('coalesces a window per writer and replaces invalid UTF-8', () => {
    const collector = new OutputCollector(1024);
    collector.write(7, 'stdout', Buffer.from('caf'), 10);
    collector.write(7, 'stdout', Buffer.from([0xc3]), 11);
    collector.write(7, 'stdout', Buffer.from([0xa9, 0x21, 0xff, 0x0a]), 12);
    collector.write(8, 'stderr', Buffer.from('oops\n'), 13);
    expect(collector.drain()).toEqual([
      { kind: 'output', t: 10, pid: 7, stream: 'stdout', text: 'café!\uFFFD\n', droppedBytes: 0 },
      { kind: 'output', t: 13, pid: 8, stream: 'stderr', text: 'oops\n', droppedBytes: 0 },
    ]);
    expect(collector.drain()).toEqual([]);
  });

  it('keeps at most a window of bytes per drain and counts the rest', () => {
    const collector = new OutputCollector(8);
    collector.write(undefined, 'stdout', Buffer.from('0123456789'), 1);
    collector.write(undefined, 'stdout', Buffer.from('abc'), 2);
    expect(collector.drain()).toEqual([
      { kind: 'output', t: 1, stream: 'stdout', text: '01234567', droppedBytes: 5 },
    ]);
    expect(collector.droppedBytes).toBe(5);
    collector.write(undefined, 'stdout', Buffer.from('next'), 3);
    expect(collector.drain()[0]?.text).toBe('next');
  });
});

describe('RunEventStream', () => {
  it('delivers in batches, once per period, with the output of the period coalesced', () => {
    vi.useFakeTimers();
    const batches: LabEvent[][] = [];
    const stream = new RunEventStream(
      { maxEvents: 100, maxOutputBytes: 1000, outputWindowBytes: 1000, batchMs: 32 },
      (events) => batches.push(events),
    );
    stream.append(marker(1));
    for (let i = 0; i < 50; i += 1) stream.write(5, 'stdout', Buffer.from('x'), 2 + i);
    stream.append(marker(3));
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(32);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((e) => e.kind)).toEqual(['script.end', 'script.end', 'output']);
    expect(batches[0]?.[2]).toMatchObject({ text: 'x'.repeat(50), t: 2, seq: 3 });

    stream.write(5, 'stdout', Buffer.from('last words'), 60);
    stream.close({
      kind: 'run.ended',
      t: 61,
      state: 'exited',
      exitCode: 0,
      signal: null,
      error: null,
    });
    stream.append(marker(62));
    expect(batches.slice(1).map((batch) => batch.map((e) => e.kind))).toEqual([
      ['output', 'run.ended'],
    ]);
    expect(stream.since(3).map((e) => e.kind)).toEqual(['output', 'run.ended']);
    vi.useRealTimers();
  });
});
