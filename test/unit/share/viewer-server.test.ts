// A slow viewer must not hold up the class or the teacher: it is skipped while its socket backs
// up, then told to reload, while everyone else gets every event as it happens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../src-main/common/lab';
import { ShareService } from '../../../src-main/core/share/share-service';
import { startViewerServer, VIEWER_LAG_BYTES } from '../../../src-main/transport/viewer-server';
import { FakeBackend } from '../transport/fake-backend';
import { connectTo, value } from './socket-client';

const backend = new FakeBackend();
const staticDir = mkdtempSync(join(tmpdir(), 'procscope-viewer-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
const share = new ShareService({
  openListener: (listener) => startViewerServer({ ...listener, staticDir }),
  handlers: () => backend.handlers,
  subscribe: (listener) => backend.subscribe(listener),
  clientLeft: (id) => backend.clientLeft(id),
  announce: () => undefined,
});
let url = '';

beforeAll(async () => {
  url = (await share.start({ address: '127.0.0.1' })).url ?? '';
});
afterAll(() => share.dispose());

function outputBatch(seq: number, bytes: number): { runId: string; events: LabEvent[] } {
  return {
    runId: 'run-1',
    events: [
      {
        kind: 'output',
        seq,
        t: seq,
        stream: 'stdout',
        pid: 1,
        text: 'x'.repeat(bytes),
        droppedBytes: 0,
      },
    ],
  };
}

describe('the viewers’ listener', () => {
  it('skips a viewer that stopped reading, keeps the others current, then resyncs it', async () => {
    const slow = await connectTo(url);
    const quick = await connectTo(url);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const BATCHES = 400;
    const BYTES = 32 * 1024;
    const quickBatches = () => quick.events.filter((event) => event.name === 'lab.events').length;
    for (let seq = 1; seq <= BATCHES; seq++) {
      backend.hub.emit('lab.events', outputBatch(seq, BYTES));
      // Paced by the viewer that reads, as a real run's output is paced by the program: the slow
      // viewer's backlog grows all the same, and the quick one must never be skipped for it.
      if (seq % 8 === 0) await expect.poll(quickBatches, { timeout: 10_000 }).toBe(seq);
    }
    await expect.poll(quickBatches, { timeout: 10_000 }).toBe(BATCHES);
    expect(quick.events.some((event) => event.name === 'share.resync')).toBe(false);
    // 12.8 MB went out to the quick viewer while the slow one read nothing: the slow one did not
    // hold the others back, and was never handed more than its bound.
    expect(BATCHES * BYTES).toBeGreaterThan(20 * VIEWER_LAG_BYTES);

    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    await expect
      .poll(() => slow.events.some((event) => event.name === 'share.resync'), { timeout: 10_000 })
      .toBe(true);
    const received = slow.events.filter((event) => event.name === 'lab.events').length;
    expect(received).toBeLessThan(BATCHES / 2);
    // Still served: a call answers, and new events arrive again.
    expect(await value(slow.call('app.hello', {}))).toMatchObject({ role: 'viewer' });
    backend.hub.emit('lab.events', outputBatch(BATCHES + 1, 10));
    await expect
      .poll(() => slow.events.filter((event) => event.name === 'lab.events').length)
      .toBe(received + 1);
    slow.close();
    quick.close();
  });

  it('serves its page only under its own address, as the teacher’s listener does', async () => {
    const { port } = new URL(url);
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await status(`127.0.0.1:${port}`)).toBe(200);
    // DNS rebinding: a foreign name pointed at this address.
    expect(await status(`evil.example:${port}`)).toBe(403);
  });

  it('answers a malformed frame with an error and keeps the viewer', async () => {
    const viewer = await connectTo(url);
    const replies: string[] = [];
    viewer.ws.on('message', (data: Buffer) => replies.push(data.toString()));
    viewer.ws.send('not json');
    viewer.ws.send(Buffer.from([1, 2, 3]));
    await expect.poll(() => replies.length).toBe(2);
    expect(replies.every((reply) => reply.includes('"bad-request"'))).toBe(true);
    expect(await value(viewer.call('app.hello', {}))).toMatchObject({ role: 'viewer' });
    viewer.close();
  });
});
