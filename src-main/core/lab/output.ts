// Output of a run, coalesced per batch window: whatever a (pid, stream) wrote during one window
// becomes a single output event when the window closes. Each window keeps at most `windowBytes`
// of the whole run's output; the rest is counted, not kept, so a program printing as fast as it
// can costs bounded memory and at most windowBytes per window on the way to the UI.

import { TextDecoder } from 'node:util';
import type { OutputEvent } from '../../common/lab';

type Stream = OutputEvent['stream'];
export type OutputEventInput = Omit<OutputEvent, 'seq'>;

interface Source {
  pid: number | undefined;
  stream: Stream;
  // Streaming decode keeps a multi-byte character split across chunks whole, and replaces
  // invalid UTF-8 with U+FFFD instead of throwing.
  decoder: TextDecoder;
  text: string[];
  firstT: number;
  droppedBytes: number;
  ended: boolean;
}

export class OutputCollector {
  private readonly sources = new Map<string, Source>();
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
    const source = this.source(pid, stream);
    if (source.text.length === 0 && source.droppedBytes === 0) source.firstT = t;
    const kept = Math.min(chunk.length, this.windowLeft);
    if (kept > 0) {
      source.text.push(source.decoder.decode(chunk.subarray(0, kept), { stream: true }));
      this.windowLeft -= kept;
    }
    if (kept < chunk.length) {
      source.droppedBytes += chunk.length - kept;
      this.dropped += chunk.length - kept;
      // The bytes after a gap do not continue the character the decoder may be holding.
      source.decoder = new TextDecoder('utf-8');
    }
  }

  /** A writer is gone: whatever partial character it left becomes U+FFFD. */
  end(pid: number | undefined, stream: Stream): void {
    const source = this.sources.get(key(pid, stream));
    if (!source) return;
    const rest = source.decoder.decode();
    if (rest) source.text.push(rest);
    source.ended = true;
  }

  /** Close the window: one event per source that wrote or dropped something. */
  drain(): OutputEventInput[] {
    const events: OutputEventInput[] = [];
    for (const [name, source] of this.sources) {
      const text = source.text.join('');
      if (text || source.droppedBytes) {
        events.push({
          kind: 'output',
          t: source.firstT,
          ...(source.pid === undefined ? {} : { pid: source.pid }),
          stream: source.stream,
          text,
          droppedBytes: source.droppedBytes,
        });
      }
      source.text = [];
      source.droppedBytes = 0;
      if (source.ended) this.sources.delete(name);
    }
    this.windowLeft = this.windowBytes;
    return events;
  }

  private source(pid: number | undefined, stream: Stream): Source {
    const name = key(pid, stream);
    let source = this.sources.get(name);
    if (!source) {
      source = {
        pid,
        stream,
        decoder: new TextDecoder('utf-8'),
        text: [],
        firstT: 0,
        droppedBytes: 0,
        ended: false,
      };
      this.sources.set(name, source);
    }
    return source;
  }
}

function key(pid: number | undefined, stream: Stream): string {
  return `${pid ?? '-'}:${stream}`;
}
