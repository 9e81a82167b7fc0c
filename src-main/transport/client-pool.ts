// The bounds every WebSocket listener keeps, whoever its clients are: how many may be connected,
// how much may wait to be sent to one of them, how many of its calls run at once. A client that
// stops reading is dropped at once (its queued bytes freed), never closed politely: a polite
// close waits for a reply that a stalled client never sends. It resyncs when it reconnects.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ApiError } from '../common/errors';

export interface SocketLimits {
  /** Clients connected at once; one more is told so and closed. */
  maxClients: number;
  /** Bytes waiting to be sent to one client beyond which it is dropped. */
  maxBufferedBytes: number;
  /** The largest frame a client may send. */
  maxMessageBytes: number;
  /** Calls of one client answered at once; its socket is not read while that many are running. */
  maxCallsInFlight: number;
}

/** The limits of the app's own listener (browser mode). README's security section lists them. */
export const APP_SOCKET_LIMITS: SocketLimits = {
  maxClients: 16,
  maxBufferedBytes: 4 * 1024 * 1024,
  maxMessageBytes: 1024 * 1024,
  maxCallsInFlight: 8,
};

/** Close codes (4000–4999 are the application's). */
export const CLOSE_CODES = {
  unauthorized: 4401,
  /** Too many clients already: try again later (RFC 6455's 1013). */
  full: 1013,
} as const;

/** How long a turned-away socket may take to read why before it is cut off. */
const TURN_AWAY_GRACE_MS = 1_000;

export class ClientPool {
  private readonly clients = new Set<WebSocket>();
  /** Every upgraded connection, admitted or not, so close() can end them all at once. */
  private readonly connections = new Set<Duplex>();
  private droppedCount = 0;

  constructor(readonly limits: SocketLimits) {}

  get size(): number {
    return this.clients.size;
  }

  /** Clients dropped for not reading what was sent to them. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** A raw connection that asked to upgrade; forgotten when it closes. */
  track(connection: Duplex): void {
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
  }

  /** Admits a client within the cap; `false` means the pool is full and it was turned away. */
  admit(ws: WebSocket): boolean {
    if (this.clients.size >= this.limits.maxClients) {
      turnAway(ws, CLOSE_CODES.full, {
        code: 'unavailable',
        message:
          `Procscope is already serving ${this.limits.maxClients} connections, its limit. ` +
          'Close a Procscope tab or window, then reload this page.',
      });
      return false;
    }
    this.clients.add(ws);
    ws.once('close', () => this.clients.delete(ws));
    return true;
  }

  /**
   * Reads `ws`'s messages one call at a time up to the in-flight cap: `handle` resolves when the
   * call is answered. Past the cap the socket is paused, so a flood of calls waits in the
   * client's TCP buffers, not in our memory.
   */
  serve(ws: WebSocket, handle: (data: Buffer, isBinary: boolean) => Promise<void>): void {
    // Frames already read when the socket pauses still arrive: they wait here, at most one
    // socket read's worth.
    const waiting: Array<[Buffer, boolean]> = [];
    let inFlight = 0;
    const next = (): void => {
      while (inFlight < this.limits.maxCallsInFlight && waiting.length > 0) {
        const [data, isBinary] = waiting.shift() as [Buffer, boolean];
        inFlight += 1;
        void handle(data, isBinary).finally(() => {
          inFlight -= 1;
          next();
        });
      }
      if (waiting.length === 0 && ws.isPaused) ws.resume();
    };
    ws.on('message', (data: Buffer, isBinary) => {
      waiting.push([data, isBinary]);
      if (inFlight >= this.limits.maxCallsInFlight) ws.pause();
      next();
    });
  }

  /** Sends text to one client, or drops it if it has stopped reading. */
  send(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.droppedCount += 1;
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  broadcast(text: string): void {
    for (const ws of this.clients) this.send(ws, text);
  }

  /** Ends every connection now, admitted, turned away or still in its handshake. */
  closeAll(): void {
    for (const ws of this.clients) ws.terminate();
    for (const connection of this.connections) connection.destroy();
  }
}

/** Tells a socket why in a message it can show, then closes it, waiting at most a moment. */
export function turnAway(ws: WebSocket, code: number, error: ApiError): void {
  ws.send(JSON.stringify({ kind: 'error', error }));
  ws.close(code, error.code);
  setTimeout(() => ws.terminate(), TURN_AWAY_GRACE_MS).unref();
}
