// Browser mode: the built renderer as static files plus the contract over one WebSocket. Bound to
// loopback by default; every socket must present the per-run token and, when a browser opened it,
// come from our own origin — a page on another site must not be able to drive the backend.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WEBSOCKET_PATH } from '../common/channels';
import type { ServerMessage } from '../common/contract';
import type { Backend } from '../core/backend';
import { RpcDispatcher } from './rpc';

export interface WebServerOptions {
  backend: Backend;
  staticDir: string;
  host?: string;
  port?: number;
  token?: string;
}

export interface WebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Close code sent to a socket whose token was wrong (4000–4999 are free for applications). */
export const UNAUTHORIZED_CLOSE_CODE = 4401;
/** A client that cannot keep up is dropped rather than buffered without bound; it resyncs on reconnect. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 1024 * 1024;

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
  const sockets = new Set<WebSocket>();
  let nextClient = 0;
  let port = 0;

  const allowedOrigins = () =>
    new Set([`http://${host}:${port}`, `http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const http = createServer((request, response) => {
    const connectSrc = `'self' ws://127.0.0.1:${port} ws://localhost:${port}`;
    serveStatic(options.staticDir, request, response, connectSrc).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = request.headers.origin;
    if (url.pathname !== WEBSOCKET_PATH) return refuse(socket, 404, 'Not Found');
    // Browsers always send Origin on WebSocket handshakes; a foreign one means another site's page.
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      return refuse(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      if (!sameToken(url.searchParams.get('token') ?? '', token)) {
        // Completing the handshake first lets the page show *why* it was turned away.
        send(ws, {
          kind: 'error',
          error: {
            code: 'unauthorized',
            message:
              'This link has a wrong or missing access token. Open the address Procscope printed when it started.',
          },
        });
        ws.close(UNAUTHORIZED_CLOSE_CODE, 'unauthorized');
        return;
      }
      const client = { id: `ws-${++nextClient}`, transport: 'websocket' as const };
      sockets.add(ws);
      ws.on('message', (data, isBinary) => {
        void dispatcher
          .dispatchFrame(isBinary ? null : data.toString(), client)
          .then((message) => send(ws, message));
      });
      ws.on('close', () => {
        sockets.delete(ws);
        options.backend.clientLeft(client.id);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  const unsubscribe = options.backend.subscribe((message) => {
    for (const ws of sockets) send(ws, message);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
  const displayHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${displayHost}:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function send(ws: WebSocket, message: ServerMessage): void {
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
    ws.close(1013, 'client too slow');
    return;
  }
  ws.send(JSON.stringify(message));
}

export function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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
