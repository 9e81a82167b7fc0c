// Output of a run, coalesced per batch window: consecutive writes of one (pid, stream) during a
// window become a single output event when the window closes, and writes of different writers
// stay in the order they arrived in (a parent's line, its child's, the parent's next one). Each
// window keeps at most `windowBytes` of the whole run's output; the rest is counted, not kept,
// so a program printing as fast as it can costs bounded memory and at most windowBytes per
// window on the way to the UI.

import { TextDecoder } from 'node:util';
import type { OutputEvent } from '../../common/lab';

type Stream = OutputEvent['stream'];
export type OutputEventInput = Omit<OutputEvent, 'seq'>;

interface Source {
  // Streaming decode keeps a multi-byte character split across chunks whole, and replaces
  // invalid UTF-8 with U+FFFD instead of throwing.
  decoder: TextDecoder;
  ended: boolean;
}

interface Segment {
  key: string;
  pid: number | undefined;
  stream: Stream;
  text: string[];
  firstT: number;
  droppedBytes: number;
}

export class OutputCollector {
  private readonly sources = new Map<string, Source>();
  private segments: Segment[] = [];
  private windowLeft: number;
  private dropped = 0;

  constructor(private readonly windowBytes: number) {
    this.windowLeft = windowBytes;
  }

  /** Bytes dropped by the window cap since the run started. */
  get droppedBytes(): number {
    return this.dropped;
  }

  write(pid: number | undefined, stream: Stream, chunk: Buffer, t: number): void {
    const name = key(pid, stream);
    const source = this.source(name);
    const segment = this.segmentFor(name, pid, stream, t);
    const kept = Math.min(chunk.length, this.windowLeft);
    if (kept > 0) {
      segment.text.push(source.decoder.decode(chunk.subarray(0, kept), { stream: true }));
      this.windowLeft -= kept;
    }
    if (kept < chunk.length) {
      segment.droppedBytes += chunk.length - kept;
      this.dropped += chunk.length - kept;
      // The bytes after a gap do not continue the character the decoder may be holding.
      source.decoder = new TextDecoder('utf-8');
    }
  }

  /** A writer is gone: whatever partial character it left becomes U+FFFD. */
  end(pid: number | undefined, stream: Stream): void {
    const name = key(pid, stream);
    const source = this.sources.get(name);
    if (!source) return;
    const rest = source.decoder.decode();
    if (rest) this.segmentFor(name, pid, stream, this.segments.at(-1)?.firstT ?? 0).text.push(rest);
    source.ended = true;
  }

  /** Close the window: one event per run of writes by one writer, in arrival order. */
  drain(): OutputEventInput[] {
    const events: OutputEventInput[] = [];
    for (const segment of this.segments) {
      const text = segment.text.join('');
      if (text || segment.droppedBytes) {
        events.push({
          kind: 'output',
          t: segment.firstT,
          ...(segment.pid === undefined ? {} : { pid: segment.pid }),
          stream: segment.stream,
          text,
          droppedBytes: segment.droppedBytes,
        });
      }
    }
    this.segments = [];
    for (const [name, source] of this.sources) if (source.ended) this.sources.delete(name);
    this.windowLeft = this.windowBytes;
    return events;
  }

  private source(name: string): Source {
    let source = this.sources.get(name);
    if (!source) {
      source = { decoder: new TextDecoder('utf-8'), ended: false };
      this.sources.set(name, source);
    }
    return source;
  }

  private segmentFor(name: string, pid: number | undefined, stream: Stream, t: number): Segment {
    const last = this.segments.at(-1);
    if (last?.key === name) return last;
    const segment: Segment = { key: name, pid, stream, text: [], firstT: t, droppedBytes: 0 };
    this.segments.push(segment);
    return segment;
  }
}

function key(pid: number | undefined, stream: Stream): string {
  return `${pid ?? '-'}:${stream}`;
}
