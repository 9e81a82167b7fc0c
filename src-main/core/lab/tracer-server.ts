// The TCP server every traced interpreter connects to, once: 127.0.0.1 only, one listening port
// for all runs, each connection routed to its run by the per-run token in its first line. A peer
// that does not present a known token within a few seconds is dropped unheard.
//
// Out of file descriptors, libuv accepts and closes what it cannot keep, and says nothing (its
// "EMFILE trick"). So the server watches its own headroom on Linux once connections fill half
// the limit, and tells every live run when it is gone; the run then says how many of its
// processes went untraced and why.

import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { HelloSchema, type Hello, type StepControl } from './tracer-protocol';

const HELLO_TIMEOUT_MS = 5_000;
const MAX_HELLO_BYTES = 64 * 1024;
// A batch line is at most 256 events, each with at most an 8 kB traceback.
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** The connection of one traced process. */
export interface TracerConnection {
  send(control: StepControl): void;
}

export interface TracerConnectionHandlers {
  /** Each parsed JSON value of a line (an event or an array of events). */
  message(value: unknown): void;
  /** The process wrote `count` bytes with this CRC-32 to the run's stdout or stderr pipe. */
  output(stream: 'stdout' | 'stderr', count: number, crc: number): void;
  /** A line that is neither JSON nor a notice, or is too long. */
  malformed(reason: string): void;
  closed(): void;
}

/** What a run provides to receive its connections. */
export interface TracerSink {
  attach(hello: Hello, connection: TracerConnection): TracerConnectionHandlers;
  /** A connection could not be accepted: `reason` in words ("too many open files"). */
  acceptFailed(reason: string): void;
}

const NOTICE = /^o([12]) (\d+) (\d+)$/;
/** The first line of the server's own connection in settled(): never a valid hello. */
const PROBE = 'settle ';
/** Descriptors left below which the next connection is taken to be one that may not fit. */
const FD_HEADROOM = 4;
const ACCEPT_FAILURES: Record<string, string> = {
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENOBUFS: 'out of network buffers',
  ENOMEM: 'out of memory',
};

export class TracerServer {
  private readonly sinks = new Map<string, TracerSink>();
  private listening: Promise<number> | undefined;
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();
  /** Accepted, first line not read yet: whose they are is not known. */
  private readonly unheard = new Set<net.Socket>();
  private readonly probes = new Map<string, () => void>();
  private readonly onHeard = new Set<() => void>();
  private accepting = false;

  constructor() {
    // After listening, an 'error' is a connection accept() failed for (libuv then drops that
    // connection); the tracer at the other end runs its program untraced.
    this.server.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.accepting) return;
      const reason = ACCEPT_FAILURES[error.code ?? ''] ?? error.message;
      for (const sink of this.sinks.values()) sink.acceptFailed(reason);
    });
  }

  /** Starts listening on first use; resolves with the port. */
  port(): Promise<number> {
    this.listening ??= new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.accepting = true;
        const address = this.server.address();
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('the tracer server has no TCP address'));
      });
    }).catch((error: unknown) => {
      this.listening = undefined; // the next run tries again
      throw error;
    });
    return this.listening;
  }

  /** Route connections presenting `token` to `sink` until the returned function is called. */
  register(token: string, sink: TracerSink): () => void {
    this.sinks.set(token, sink);
    return () => this.sinks.delete(token);
  }

  /**
   * Resolves once every connection made before the call has been heard: its hello routed to a
   * run, or the connection gone. A run waits for this when its processes have all exited, since
   * a tracer that connected just before its process ended may still sit in the listen queue or
   * unread in its socket (the more so when this process is busy), and its events would be lost.
   * The listen queue is first in, first out: once a connection made now is accepted, every
   * earlier one is too. Bounded by the hello timeout, after which an unheard peer is dropped.
   */
  async settled(): Promise<void> {
    if (!this.listening) return;
    const port = await this.listening.catch(() => undefined);
    if (port === undefined) return;
    await new Promise<void>((resolve) => {
      const id = randomUUID();
      const probe = net.connect(port, '127.0.0.1');
      const done = (): void => {
        clearTimeout(timer);
        this.probes.delete(id);
        probe.destroy();
        resolve();
      };
      const timer = setTimeout(done, HELLO_TIMEOUT_MS);
      this.probes.set(id, done);
      probe.on('error', done);
      probe.write(`${PROBE}${id}\n`);
    });
    const earlier = new Set(this.unheard);
    if (earlier.size === 0) return;
    await new Promise<void>((resolve) => {
      const check = (): void => {
        for (const socket of earlier) if (!this.unheard.has(socket)) earlier.delete(socket);
        if (earlier.size > 0) return;
        this.onHeard.delete(check);
        resolve();
      };
      this.onHeard.add(check);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    this.unheard.add(socket);
    this.checkHeadroom();
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.heard(socket);
    });
    socket.setNoDelay(true);
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(0x0a);
      if (end < 0) {
        if (buffered.length > MAX_HELLO_BYTES) socket.destroy();
        return;
      }
      clearTimeout(timer);
      socket.off('data', onData);
      const first = buffered.subarray(0, end);
      if (first.toString('latin1').startsWith(PROBE)) {
        socket.destroy();
        this.probes.get(first.toString('latin1').slice(PROBE.length))?.();
        return;
      }
      this.heard(socket);
      const hello = parseHello(first);
      const sink = hello && this.sinks.get(hello.token);
      if (!hello || !sink) {
        socket.destroy();
        return;
      }
      readLines(socket, buffered.subarray(end + 1), sink.attach(hello, jsonLineWriter(socket)));
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }

  private heard(socket: net.Socket): void {
    if (!this.unheard.delete(socket)) return;
    for (const check of [...this.onHeard]) check();
  }

  private checkHeadroom(): void {
    const limit = softFdLimit();
    if (limit === undefined || this.sockets.size * 2 < limit) return;
    let open: number;
    try {
      open = readdirSync('/proc/self/fd').length;
    } catch {
      return;
    }
    if (limit - open > FD_HEADROOM) return;
    for (const sink of this.sinks.values()) sink.acceptFailed(ACCEPT_FAILURES.EMFILE as string);
  }
}

/** This process's soft limit on open files (Linux), read each time: it may have been raised. */
function softFdLimit(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const line = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return line ? Number(line[1]) : undefined;
  } catch {
    return undefined;
  }
}

function parseHello(line: Buffer): Hello | undefined {
  try {
    const parsed = HelloSchema.safeParse(JSON.parse(line.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function jsonLineWriter(socket: net.Socket): TracerConnection {
  return {
    send(control) {
      if (!socket.destroyed) socket.write(`${JSON.stringify(control)}\n`);
    },
  };
}

function readLines(socket: net.Socket, first: Buffer, handlers: TracerConnectionHandlers): void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  const take = (chunk: Buffer): void => {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, start)) {
      const part = chunk.subarray(start, end);
      start = end + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      const line = pending.length > 0 ? Buffer.concat([...pending, part]) : part;
      pending = [];
      pendingBytes = 0;
      if (line.length > 0) parseLine(line, handlers);
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0 || skipping) return;
    pendingBytes += rest.length;
    if (pendingBytes > MAX_LINE_BYTES) {
      // Drop the rest of this line, resynchronise at the next newline.
      handlers.malformed(`a line longer than ${MAX_LINE_BYTES} bytes`);
      pending = [];
      pendingBytes = 0;
      skipping = true;
    } else {
      pending.push(rest);
    }
  };
  if (first.length > 0) take(first);
  socket.on('data', take);
  socket.once('close', () => handlers.closed());
}

function parseLine(line: Buffer, handlers: TracerConnectionHandlers): void {
  if (line[0] === 0x6f /* o */) {
    const notice = NOTICE.exec(line.toString('latin1'));
    if (notice) {
      handlers.output(
        notice[1] === '1' ? 'stdout' : 'stderr',
        Number(notice[2]),
        Number(notice[3]),
      );
      return;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    handlers.malformed(
      `a line that is not JSON: ${JSON.stringify(line.subarray(0, 80).toString('utf8'))}`,
    );
    return;
  }
  handlers.message(value);
}
