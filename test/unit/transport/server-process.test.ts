// The browser-mode server as a user starts it (src-main/server.ts, the real backend), measured
// from outside: its memory under clients that never read, the addresses it answers on.
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { APP_SOCKET_LIMITS } from '../../../src-main/transport/client-pool';
import { ApiClient, startServer, type RunningServer } from '../helpers/server';

const running: RunningServer[] = [];
afterAll(() => Promise.all(running.map((server) => server.stop())));

async function start(args: string[] = []): Promise<RunningServer> {
  const server = await startServer({ args });
  running.push(server);
  return server;
}

describe.runIf(process.platform === 'linux')('browser-mode server process', () => {
  it('30 clients that flood system.snapshot and never read cost bounded, short-lived memory', async () => {
    const server = await start();
    // Warm up: the first snapshot builds caches that are not the clients' cost.
    const probe = await ApiClient.open(server.address, server.token);
    await probe.value('system.snapshot');
    const baseline = server.rssBytes();

    const stalled: WebSocket[] = [];
    for (let index = 0; index < 30; index += 1) {
      const ws = new WebSocket(`ws://${server.address}/api?token=${server.token}`);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.pause();
      for (let id = 0; id < 300; id += 1) {
        ws.send(JSON.stringify({ kind: 'call', id, method: 'system.snapshot', params: {} }));
      }
      stalled.push(ws);
    }
    let peak = 0;
    let slowestHello = 0;
    for (let sample = 0; sample < 12; sample += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      peak = Math.max(peak, server.rssBytes() - baseline);
      const asked = Date.now();
      await probe.value('app.hello');
      slowestHello = Math.max(slowestHello, Date.now() - asked);
    }
    // Each admitted client may hold one bound's worth and its replies in flight, plus the
    // garbage of the snapshots made for it (37–105 MB measured); the old server grew ~400 MB
    // here and held it for half a minute.
    expect(peak).toBeLessThan(
      APP_SOCKET_LIMITS.maxClients * APP_SOCKET_LIMITS.maxBufferedBytes * 2.5,
    );
    expect(slowestHello).toBeLessThan(1_000);
    for (const ws of stalled) ws.terminate();
    probe.close();
  });

  it('--host ::1 serves the page and its socket under the bracketed address', async () => {
    const server = await start(['--host', '::1']);
    expect(server.url).toMatch(/^http:\/\/\[::1\]:\d+\/\?token=/);
    const client = await ApiClient.open(server.address, server.token, {
      origin: `http://${server.address}`,
    });
    expect(await client.value('app.hello')).toMatchObject({ name: 'Procscope' });
    client.close();
    expect(server.output()).not.toContain('Warning');
  });

  it('warns that a non-loopback address exposes the URL, which is a password', async () => {
    const server = await start(['--host', '0.0.0.0']);
    await expect
      .poll(() => server.output())
      .toMatch(/Warning: 0\.0\.0\.0 can be reached from other machines/);
    expect(server.output()).toContain('is a password');
    // Loopback names still reach it; a name that is not this machine's does not.
    const client = await ApiClient.open(`127.0.0.1:${server.port}`, server.token);
    await client.value('app.hello');
    client.close();
    await expect(
      ApiClient.open(`127.0.0.1:${server.port}`, server.token, {
        host: `evil.example:${server.port}`,
      }),
    ).rejects.toThrow('HTTP 403');
  });
});
