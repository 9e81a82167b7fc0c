// Naming the writer of the bytes read from a run's output pipes. Every process of a run writes
// into the same two pipes, so the bytes and their order are exactly what the program wrote; a
// pipe does not say who wrote them, though. A traced interpreter whose stdout or stderr is one of
// those pipes sends a notice just before each write: (pid, count, CRC-32). The bytes at the front
// of the pipe's unclaimed data are matched against the oldest notice of each writer; bytes nobody
// claims within `holdMs` (a C program, os.write, an untraced interpreter) go out without a
// writer, a line at a time, and claiming starts again after them.

import { crc32 } from 'node:zlib';
import type { OutputEvent } from '../../common/lab';

type Stream = OutputEvent['stream'];

interface Notice {
  count: number;
  crc: number;
  /** When it arrived, on the attribution's clock (ms). */
  at: number;
}

interface StreamState {
  /** Bytes read from the pipe and not yet given to a writer. */
  pending: Buffer;
  /** When the oldest of them arrived. */
  since: number;
  /** Per writer, its notices oldest first. */
  notices: Map<number, Notice[]>;
  /** The writer of the last bytes given out, while they end mid-line. */
  openWriter: number | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Notices looked at per writer: a later one matching means the earlier ones' bytes are gone. */
const LOOKAHEAD = 4;
/** A notice whose bytes never showed up (they went elsewhere after a dup2) is dropped. */
const STALE_MS = 2_000;
/** Unclaimed bytes beyond this go out without a writer at once, whatever notices may come. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** `at`: when the chunk's first byte was read from the pipe, on the attribution's clock. */
export type AttributedWrite = (
  pid: number | undefined,
  stream: Stream,
  chunk: Buffer,
  at: number,
) => void;

export class OutputAttribution {
  private readonly streams: Record<Stream, StreamState> = {
    stdout: newState(),
    stderr: newState(),
  };

  constructor(
    private readonly write: AttributedWrite,
    private readonly holdMs = 40,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Bytes read from the run's stdout or stderr pipe. */
  pipeData(stream: Stream, chunk: Buffer): void {
    const state = this.streams[stream];
    if (state.pending.length === 0) state.since = this.clock();
    state.pending = state.pending.length === 0 ? chunk : Buffer.concat([state.pending, chunk]);
    this.match(stream);
  }

  /** A traced process wrote `count` bytes with this CRC-32 to the stream's pipe. */
  notice(pid: number, stream: Stream, count: number, crc: number): void {
    if (count <= 0) return;
    const state = this.streams[stream];
    const queue = state.notices.get(pid) ?? [];
    queue.push({ count, crc: crc >>> 0, at: this.clock() });
    state.notices.set(pid, queue);
    this.match(stream);
  }

  /** The pipes are closed: whatever is left goes out, claimed or not. */
  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.streams[stream];
      clearTimeout(state.timer);
      state.timer = undefined;
      this.match(stream, true);
    }
  }

  private match(stream: Stream, final = false): void {
    const state = this.streams[stream];
    while (state.pending.length > 0) {
      if (this.claim(stream, state, final)) continue;
      const waited = this.clock() - state.since;
      if (!final && waited < this.holdMs && state.pending.length < MAX_PENDING_BYTES) {
        this.wake(stream, state, this.holdMs - waited);
        return;
      }
      // Nobody claims the front: a line of it goes out without a writer.
      const newline = state.pending.indexOf(0x0a);
      const end = newline < 0 ? state.pending.length : newline + 1;
      this.emit(undefined, stream, state, end);
    }
    this.dropStale(state);
  }

  /** Gives the front of the pending bytes to the writer whose notice matches them. */
  private claim(stream: Stream, state: StreamState, final: boolean): boolean {
    let best: { pid: number; index: number; at: number } | undefined;
    const open = state.openWriter;
    for (const [pid, queue] of state.notices) {
      const limit = Math.min(queue.length, LOOKAHEAD);
      for (let index = 0; index < limit; index++) {
        const notice = queue[index] as Notice;
        if (notice.count > state.pending.length) continue;
        if (crc32(state.pending.subarray(0, notice.count)) !== notice.crc) continue;
        // Two writers may have written the same bytes: the one whose line is open wrote them,
        // else the one who noticed first.
        if (!best || (best.pid !== open && (pid === open || notice.at < best.at)))
          best = { pid, index, at: notice.at };
        break;
      }
    }
    if (!best) return false;
    // print() writes its text and its "\n" apart, and a bare "\n" matches anyone's "\n". The
    // writer who left its line open most likely ends it; its notice may come a little after
    // another writer's, so it has until the hold to claim them.
    const waited = this.clock() - state.since;
    if (open !== undefined && best.pid !== open && !final && waited < this.holdMs) return false;
    const queue = state.notices.get(best.pid) as Notice[];
    const [notice] = queue.splice(0, best.index + 1).slice(-1);
    if (queue.length === 0) state.notices.delete(best.pid);
    this.emit(best.pid, stream, state, (notice as Notice).count);
    return true;
  }

  private emit(pid: number | undefined, stream: Stream, state: StreamState, end: number): void {
    const chunk = state.pending.subarray(0, end);
    const at = state.since;
    state.pending = state.pending.subarray(end);
    state.since = this.clock();
    state.openWriter = pid !== undefined && chunk.at(-1) !== 0x0a ? pid : undefined;
    this.write(pid, stream, chunk, at);
  }

  private dropStale(state: StreamState): void {
    const now = this.clock();
    for (const [pid, queue] of state.notices) {
      while (queue.length > 0 && now - (queue[0] as Notice).at > STALE_MS) queue.shift();
      if (queue.length === 0) state.notices.delete(pid);
    }
  }

  private wake(stream: Stream, state: StreamState, afterMs: number): void {
    if (state.timer) return;
    state.timer = setTimeout(
      () => {
        state.timer = undefined;
        this.match(stream);
      },
      Math.max(1, Math.ceil(afterMs)),
    );
    state.timer.unref?.();
  }
}

function newState(): StreamState {
  return {
    pending: Buffer.alloc(0),
    since: 0,
    notices: new Map(),
    openWriter: undefined,
    timer: undefined,
  };
}
