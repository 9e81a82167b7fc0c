// Recording files for the tests that open them: real ones of a chosen size, and the hostile
// kinds (a gzip bomb, a header that promises more than the file holds).
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { LabEvent, RunSummary } from '../../../src-main/common/lab';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../../../src-main/core/recording/format';
import { syntheticLog } from '../../../scripts/synthetic-log';

export function summaryOf(events: readonly LabEvent[], title = 'swarm.py'): RunSummary {
  return {
    id: 'recorded',
    title,
    kind: 'python',
    command: ['python3', 'swarm.py'],
    cwd: '/home/student/lab',
    state: 'exited',
    rootPid: 20_000,
    exitCode: 0,
    signal: null,
    error: null,
    startedAt: 1_700_000_000_000,
    endedAt: 1_700_000_060_000,
    stepMode: false,
    python: { path: '/usr/bin/python3', version: '3.11.2' },
    droppedOutputBytes: 0,
    droppedEvents: 0,
    lastSeq: events.at(-1)?.seq ?? 0,
  };
}

/** A plausible log of `events` events: 200 processes, threads, queues, output, CPU samples. */
export function bigLog(events: number): LabEvent[] {
  return syntheticLog({ processes: 200, threadsPerProcess: 5, events, duration: 60_000_000 });
}

export function headerLine(eventCount: number, summary: RunSummary): string {
  return JSON.stringify({
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: '2025-01-01T00:00:00.000Z',
    generator: 'procscope-test',
    summary,
    eventCount,
  });
}

/** gzip members one after another: gunzip reads them as one stream. */
export async function writeGzipMembers(file: string, members: Iterable<Buffer>): Promise<number> {
  let bytes = 0;
  function* counted(): Generator<Buffer> {
    for (const member of members) {
      bytes += member.length;
      yield member;
    }
  }
  await pipeline(Readable.from(counted()), createWriteStream(file));
  return bytes;
}

function* repeat<T>(value: T, times: number): Generator<T> {
  for (let index = 0; index < times; index += 1) yield value;
}

/** A recording-looking gzip bomb: a header, then `decodedBytes` of zeros in one endless line. */
export function writeGzipBomb(file: string, decodedBytes: number): Promise<number> {
  const block = 64 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(block), { level: 9 });
  const header = gzipSync(`${headerLine(1, summaryOf([]))}\n`);
  return writeGzipMembers(file, [header, ...repeat(zeros, Math.ceil(decodedBytes / block))]);
}

/**
 * A file of `eventCount` small queue events in seq order, ~8 bytes each once compressed, whose
 * header promises `promised` of them: all of them (only the header is meant to be read), or
 * fewer (a header that lies, so only the event cap stops the reading).
 */
export function writePromisingHeader(
  file: string,
  eventCount: number,
  promised = eventCount,
): Promise<number> {
  const round = 20_000;
  function* members(): Generator<Buffer> {
    yield gzipSync(`${headerLine(promised, summaryOf([]))}\n`);
    for (let first = 0; first < eventCount; first += round) {
      let lines = '';
      for (let index = first; index < Math.min(first + round, eventCount); index += 1) {
        const kind = index % 2 ? 'ipc.get' : 'ipc.put';
        lines += `{"seq":${index + 1},"t":${index * 10},"kind":"${kind}","pid":20001,"tid":20001,"channel":"20000:1","msg":"20001:${index >> 1}"}\n`;
      }
      yield gzipSync(lines, { level: 1 });
    }
  }
  return writeGzipMembers(file, members());
}
