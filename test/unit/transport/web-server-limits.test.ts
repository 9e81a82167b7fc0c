// The bounds of the browser-mode listener: slow readers, too many clients, floods of calls,
// foreign Host names, and a close() that never waits on a client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  APP_SOCKET_LIMITS,
  CLOSE_CODES,
  type SocketLimits,
} from '../../../src-main/transport/client-pool';
import { startWebServer, type WebServer } from '../../../src-main/transport/web-server';
import { ApiClient } from '../helpers/server';
import { FakeBackend, load } from './fake-backend';

const staticDir = mkdtempSync(join(tmpdir(), 'procscope-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');

const servers: WebServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(backend: FakeBackend, limits?: Partial<SocketLimits>): Promise<WebServer> {
  const server = await startWebServer({
    backend,
    staticDir,
    token: 't',
    limits: { ...APP_SOCKET_LIMITS, ...limits },
  });
  servers.push(server);
  return server;
}

function address(server: WebServer): string {
  return `127.0.0.1:${server.port}`;
}

/** A snapshot of ~`bytes` of JSON, as a machine with many processes answers. */
function bigSnapshotBackend(bytes: number): FakeBackend {
  const backend = new FakeBackend();
  const name = 'x'.repeat(200);
  const processes = Array.from({ length: Math.ceil(bytes / 250) }, (_, pid) => ({ pid, name }));
  backend.handlers['system.snapshot'] = () =>
    ({ seq: 0, at: 0, intervalMs: 1000, paused: false, load, processes }) as never;
  return backend;
}

function httpStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

describe('browser-mode listener limits', () => {
  it('drops a client that stops reading, at once, and keeps serving the others', async () => {
    const server = await serve(bigSnapshotBackend(512 * 1024));
    const reader = await ApiClient.open(address(server), 't');
    const stalled = await ApiClient.open(address(server), 't');
    stalled.ws.pause();
    for (let i = 0; i < 200; i += 1) void stalled.call('system.snapshot');
    // Far more than any bound was asked for; the stalled client must be cut off, not buffered.
    await waitUntil(() => server.clients() === 1, 5_000);
    const started = Date.now();
    await reader.value('app.hello');
    expect(Date.now() - started).toBeLessThan(1_000);
    stalled.ws.resume();
    // Dropped, not closed politely: a polite close would wait on a client that does not read.
    expect((await stalled.closed).code).toBe(1006);
    reader.close();
  });

  it('caps the number of clients and tells the one turned away why', async () => {
    const server = await serve(new FakeBackend(), { maxClients: 2 });
    const first = await ApiClient.open(address(server), 't');
    const second = await ApiClient.open(address(server), 't');
    const third = await ApiClient.open(address(server), 't');
    const closed = await third.closed;
    expect(closed.code).toBe(CLOSE_CODES.full);
    expect(third.protocolErrors()).toMatchObject([
      {
        kind: 'error',
        error: { code: 'unavailable', message: expect.stringContaining('2 connections') },
      },
    ]);
    await first.value('app.hello');
    first.close();
    await waitUntil(() => server.clients() === 1, 2_000);
    const fourth = await ApiClient.open(address(server), 't');
    await fourth.value('app.hello');
    second.close();
    fourth.close();
  });

  it('runs at most maxCallsInFlight calls of one client at once', async () => {
    const backend = new FakeBackend();
    let running = 0;
    let most = 0;
    const release: Array<() => void> = [];
    backend.handlers['lab.runs'] = async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running -= 1;
      return [];
    };
    const server = await serve(backend, { maxCallsInFlight: 4 });
    const client = await ApiClient.open(address(server), 't');
    const replies = Array.from({ length: 100 }, () => client.call('lab.runs'));
    await waitUntil(() => release.length === 4, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(most).toBe(4);
    // Releasing the calls lets the rest in, a few at a time, and every one is answered.
    const drain = setInterval(() => release.splice(0).forEach((resolve) => resolve()), 5);
    const answered = await Promise.all(replies);
    clearInterval(drain);
    expect(answered.every((reply) => reply.kind === 'result' && reply.ok)).toBe(true);
    expect(most).toBe(4);
    client.close();
  });

  it('closes a socket that sends a frame over the size limit, and serves the next one', async () => {
    const server = await serve(new FakeBackend(), { maxMessageBytes: 1024 });
    const client = await ApiClient.open(address(server), 't');
    client.ws.send('x'.repeat(2048));
    expect((await client.closed).code).toBe(1009);
    const next = await ApiClient.open(address(server), 't');
    await next.value('app.hello');
    next.close();
  });

  it('answers only requests addressed to its own address (no DNS rebinding)', async () => {
    const server = await serve(new FakeBackend());
    expect(await httpStatus(server.port, `127.0.0.1:${server.port}`)).toBe(200);
    expect(await httpStatus(server.port, `localhost:${server.port}`)).toBe(200);
    expect(await httpStatus(server.port, `evil.example:${server.port}`)).toBe(403);
    expect(await httpStatus(server.port, 'evil.example')).toBe(403);
    await expect(
      ApiClient.open(address(server), 't', { host: `evil.example:${server.port}` }),
    ).rejects.toThrow('HTTP 403');
    // The page's own origin under the rebound name is refused as well.
    await expect(
      ApiClient.open(address(server), 't', { origin: `http://evil.example:${server.port}` }),
    ).rejects.toThrow('HTTP 403');
  });

  it('closes at once, whatever state its clients are in', async () => {
    const backend = new FakeBackend();
    backend.handlers['lab.runs'] = () => new Promise(() => undefined);
    const server = await serve(backend);
    // A socket refused for its token that never answers the close handshake…
    const silent = connectTcp(server.port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    silent.write(
      `GET /api?token=wrong HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        'Sec-WebSocket-Version: 13\r\n\r\n',
    );
    await new Promise((resolve) => silent.once('data', resolve));
    silent.pause();
    // …a client waiting on a call that never ends, and one half-way through its request.
    const waiting = await ApiClient.open(address(server), 't');
    void waiting.call('lab.runs');
    const halfway = connectTcp(server.port, '127.0.0.1');
    halfway.write(`GET /api?token=t HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await servers.splice(0)[0]?.close();
    expect(Date.now() - started).toBeLessThan(500);
    silent.destroy();
    halfway.destroy();
  });
});
