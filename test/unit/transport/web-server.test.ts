import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../../src-main/common/contract';
import { CLOSE_CODES } from '../../../src-main/transport/client-pool';
import { startWebServer, type WebServer } from '../../../src-main/transport/web-server';
import { FakeBackend, tick } from './fake-backend';

let server: WebServer;
const backend = new FakeBackend();

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'procscope-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  server = await startWebServer({ backend, staticDir, token: 'secret-token' });
});
afterAll(() => server.close());

function get(
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Connection {
  ws: WebSocket;
  next(): Promise<ServerMessage>;
  closed: Promise<number>;
}

function connect(token: string, origin?: string): Promise<Connection> {
  const ws = new WebSocket(
    `ws://127.0.0.1:${server.port}/api?token=${token}`,
    origin ? { origin } : {},
  );
  const queue: ServerMessage[] = [];
  const waiters: Array<(message: ServerMessage) => void> = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else queue.push(message);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        next: () => {
          const queued = queue.shift();
          return queued ? Promise.resolve(queued) : new Promise((r) => waiters.push(r));
        },
      }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('browser-mode web server', () => {
  it('binds to loopback and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=secret-token`);
  });

  it('serves the app with a strict CSP and no referrer', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('never serves files outside the app directory', async () => {
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(200);
    expect((await get('/missing.js')).status).toBe(404);
  });

  it('answers calls and pushes events to an authorised socket', async () => {
    const connection = await connect('secret-token');
    connection.ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'app.hello', params: {} }));
    expect(await connection.next()).toMatchObject({
      kind: 'result',
      id: 1,
      ok: true,
      value: { transport: 'websocket' },
    });
    backend.hub.emit('system.tick', tick(1));
    expect(await connection.next()).toMatchObject({
      kind: 'event',
      name: 'system.tick',
      payload: { seq: 1 },
    });
    connection.ws.close();
    await connection.closed;
    await expect.poll(() => backend.left.length).toBe(1);
  });

  it('refuses a wrong token with a readable reason and a distinct close code', async () => {
    const connection = await connect('wrong');
    expect(await connection.next()).toMatchObject({
      kind: 'error',
      error: { code: 'unauthorized' },
    });
    expect(await connection.closed).toBe(CLOSE_CODES.unauthorized);
  });

  it('rejects sockets opened by a page from another origin', async () => {
    await expect(connect('secret-token', 'http://evil.example')).rejects.toThrow('HTTP 403');
  });

  it('answers malformed frames with an error and keeps serving', async () => {
    const connection = await connect('secret-token');
    connection.ws.send('{not json');
    expect(await connection.next()).toMatchObject({
      kind: 'error',
      error: { code: 'bad-request' },
    });
    connection.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await connection.next()).toMatchObject({
      kind: 'error',
      error: { code: 'bad-request' },
    });
    connection.ws.send(
      JSON.stringify({
        kind: 'call',
        id: 9,
        method: 'system.setPaused',
        params: { paused: 'yes' },
      }),
    );
    expect(await connection.next()).toMatchObject({
      id: 9,
      ok: false,
      error: { code: 'invalid-params' },
    });
    connection.ws.send(
      JSON.stringify({
        kind: 'call',
        id: 10,
        method: 'system.setPaused',
        params: { paused: true },
      }),
    );
    expect(await connection.next()).toEqual({
      kind: 'result',
      id: 10,
      ok: true,
      value: { paused: true },
    });
    connection.ws.close();
  });
});
