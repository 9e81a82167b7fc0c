// Browser mode: the built renderer as static files plus the contract over one WebSocket. Bound to
// loopback by default; every request must be addressed to our own address (Host), every socket
// must present the per-run token and, when a browser opened it, come from our own origin — a page
// on another site must not be able to drive the backend. The socket bounds are client-pool.ts's.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocketServer, type WebSocket } from 'ws';
import { RECORDING_DOWNLOAD_PATH, WEBSOCKET_PATH } from '../common/channels';
import { isProcscopeError } from '../common/errors';
import type { Backend } from '../core/backend';
import {
  APP_SOCKET_LIMITS,
  ClientPool,
  CLOSE_CODES,
  turnAway,
  type SocketLimits,
} from './client-pool';
import { ListenAddress } from './listen-address';
import { RpcDispatcher } from './rpc';

export interface WebServerOptions {
  backend: Backend;
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
  limits?: SocketLimits;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  /** False when it listens where other machines can reach it. */
  loopback: boolean;
  /** WebSocket clients connected now. */
  clients(): number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function contentSecurityPolicy(connectSrc: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // No inline styles: Svelte's style: directives go through CSSOM, which CSP allows.
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src ${connectSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(18).toString('base64url');
  const dispatcher = new RpcDispatcher(options.backend.handlers);
  const pool = new ClientPool(options.limits ?? APP_SOCKET_LIMITS);
  let nextClient = 0;

  // Listening first: which names we answer to depends on the address actually bound. Handlers
  // are attached in the same turn, before any connection can be read.
  const http = createServer();
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const bound = http.address() as AddressInfo;
  const address = new ListenAddress(host, bound.address, bound.port);

  http.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (!address.allowsHost(request.headers.host)) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(misdirected(address));
      return;
    }
    if (new URL(request.url ?? '/', 'http://localhost').pathname === RECORDING_DOWNLOAD_PATH) {
      serveDownload(options.backend, token, request, response);
      return;
    }
    serveStatic(options.staticDir, request, response, address.socketSources()).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const wss = acceptSockets(http, {
    address,
    pool,
    token,
    wrongToken:
      'This link has a wrong or missing access token. Open the address Procscope printed when it started.',
    admitted: (ws) => {
      const client = { id: `ws-${++nextClient}`, transport: 'websocket' as const };
      pool.serve(ws, async (data, isBinary) => {
        const reply = await dispatcher.dispatchFrame(isBinary ? null : data.toString(), client);
        pool.send(ws, JSON.stringify(reply));
      });
      ws.on('close', () => options.backend.clientLeft(client.id));
    },
  });

  // One serialisation per event, however many clients receive it.
  const unsubscribe = options.backend.subscribe((message) =>
    pool.broadcast(JSON.stringify(message)),
  );

  return {
    url: `${address.origin}/?token=${token}`,
    port: bound.port,
    token,
    loopback: address.loopback,
    clients: () => pool.size,
    close: async () => {
      unsubscribe();
      pool.closeAll();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** A run's recording as a file download, for the page's "Save as…" (same token as the socket). */
function serveDownload(
  backend: Backend,
  token: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  const text = (status: number, message: string): void => {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
  };
  if (request.method !== 'GET') return void response.writeHead(405, { Allow: 'GET' }).end();
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!sameToken(url.searchParams.get('token') ?? '', token)) {
    return text(401, 'This link has a wrong or missing access token.');
  }
  let download: ReturnType<Backend['recordingDownload']>;
  try {
    download = backend.recordingDownload(url.searchParams.get('run') ?? '');
  } catch (error) {
    return text(
      isProcscopeError(error) && error.code === 'not-found' ? 404 : 500,
      String((error as Error).message),
    );
  }
  response.writeHead(200, {
    'Content-Type': 'application/gzip',
    'Content-Disposition': attachment(download.fileName),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  // Streamed at the pace the browser takes it; a client that goes away ends the stream.
  pipeline(download.data, response).catch(() => response.destroy());
}

/** RFC 6266: a plain ASCII name for old agents, the exact one (RFC 5987) for the rest. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function misdirected(address: ListenAddress): string {
  const names = [...address.hosts].slice(0, 3).join(', ');
  return `Procscope answers only requests addressed to ${names}. Open the address it printed when it started.\n`;
}

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SocketGate {
  address: ListenAddress;
  pool: ClientPool;
  token: string;
  /** Why a socket with a wrong token is turned away, in the words its page shows. */
  wrongToken: string;
  admitted(ws: WebSocket): void;
}

/**
 * Upgrades to a WebSocket only on our path, under our own name (no DNS rebinding) and origin (no
 * other site's page), with the token, and within the pool's connection cap.
 */
export function acceptSockets(http: Server, gate: SocketGate): WebSocketServer {
  const { address, pool } = gate;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: pool.limits.maxMessageBytes,
    clientTracking: false,
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    pool.track(socket);
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    if (
      !address.allowsHost(request.headers.host) ||
      !address.allowsOrigin(request.headers.origin)
    ) {
      return refuse(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      if (!sameToken(url.searchParams.get('token') ?? '', gate.token)) {
        // Completing the handshake first lets the page show *why* it was turned away.
        turnAway(ws, CLOSE_CODES.unauthorized, { code: 'unauthorized', message: gate.wrongToken });
        return;
      }
      if (pool.admit(ws)) gate.admitted(ws);
    });
  });
  return wss;
}

export function refuse(socket: Duplex, status: number, reason: string): void {
  // Ended and then destroyed: a client that never closes its side must not keep the socket.
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    socket.destroy(),
  );
}

/** The built renderer, read-only, with the strict CSP; `connectSrc` names the page's socket. */
export async function serveStatic(
  root: string,
  request: IncomingMessage,
  response: ServerResponse,
  connectSrc: string,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  if (!file.startsWith(root + sep)) {
    response.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Content-Security-Policy': contentSecurityPolicy(connectSrc),
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the access token: never leak it to another site.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  if (request.method === 'HEAD') response.end();
  else createReadStream(file).pipe(response);
}
