// The TCP server every traced interpreter connects to: 127.0.0.1 only, one listening port for
// all runs, each connection routed to its run by the per-run token in its first line. A peer
// that does not present a known token within a few seconds is dropped unheard.

import net from 'node:net';
import { HelloSchema, type Hello, type StepControl } from './tracer-protocol';

const HELLO_TIMEOUT_MS = 5_000;
const MAX_HELLO_BYTES = 64 * 1024;
// A batch line is at most 64 events, each with at most an 8 kB traceback.
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** The events connection of one traced process. */
export interface TracerConnection {
  send(control: StepControl): void;
}

export interface TracerConnectionHandlers {
  /** Each parsed JSON value of a line (an event or an array of events). */
  message(value: unknown): void;
  /** A line that is not JSON, or is too long. */
  malformed(reason: string): void;
  closed(): void;
}

/** What a run provides to receive its connections. */
export interface TracerSink {
  attachEvents(hello: Hello, connection: TracerConnection): TracerConnectionHandlers;
  /** `head`: bytes that arrived with the hello, before the socket is handed over. */
  attachOutput(hello: Hello, socket: net.Socket, head: Buffer): void;
}

export class TracerServer {
  private readonly sinks = new Map<string, TracerSink>();
  private listening: Promise<number> | undefined;
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly sockets = new Set<net.Socket>();

  /** Starts listening on first use; resolves with the port. */
  port(): Promise<number> {
    this.listening ??= new Promise<number>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
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

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (!this.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
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
      const hello = parseHello(buffered.subarray(0, end));
      const sink = hello && this.sinks.get(hello.token);
      if (!hello || !sink) {
        socket.destroy();
        return;
      }
      const rest = buffered.subarray(end + 1);
      if (hello.ch === 'events') {
        readLines(socket, rest, sink.attachEvents(hello, jsonLineWriter(socket)));
      } else {
        sink.attachOutput(hello, socket, rest);
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
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
