// Property: whatever a client sends — text that is not JSON, binary, any JSON value, a call to any
// method (or none) with any params — the real server answers it or closes the socket cleanly,
// keeps serving, and its memory stays bounded. Methods that act on the machine (start a program,
// signal a process, write a file, open a listener) are never given params that pass validation.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { methods, type MethodName, type ServerMessage } from '../../../src-main/common/contract';
import { ApiClient, startServer, type RunningServer } from '../helpers/server';

const ACTING: ReadonlySet<string> = new Set([
  'lab.start',
  'lab.setPython',
  'lessons.run',
  'system.signal',
  'recording.save',
  'share.start',
  'share.publish',
  'app.pickFile',
]);
const names = Object.keys(methods) as MethodName[];

/** The params keys a method declares, so random params hit real fields too. */
function keysOf(method: MethodName): string[] {
  const shape = (methods[method].params as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

const call = fc
  .record({
    kind: fc.constant('call'),
    id: fc.nat(),
    method: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 70 })),
    params: fc.constant<unknown>(undefined),
  })
  .chain((envelope) => {
    const keys = names.includes(envelope.method as MethodName)
      ? keysOf(envelope.method as MethodName)
      : [];
    const params = fc.oneof(
      fc.constant({}),
      fc.jsonValue({ maxDepth: 3 }),
      keys.length > 0
        ? fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
        : fc.constant({}),
    );
    return params.map((value) => ({ ...envelope, params: value }));
  })
  .filter(
    (frame) =>
      !ACTING.has(frame.method) ||
      !methods[frame.method as MethodName].params.safeParse(frame.params ?? {}).success,
  );

type Frame = { text: string; call?: number } | { binary: Buffer };

const frame: fc.Arbitrary<Frame> = fc.oneof(
  call.map((value) => ({ text: JSON.stringify(value), call: value.id })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ text: JSON.stringify(value) ?? 'null' })),
  fc.string({ maxLength: 200 }).map((text) => ({ text })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
);

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

/** A raw socket that hands over the next message that is not an event. */
async function open(): Promise<{ ws: WebSocket; next(): Promise<ServerMessage | 'closed'> }> {
  const ws = new WebSocket(`ws://${server.address}/api?token=${server.token}`);
  const replies: Array<ServerMessage | 'closed'> = [];
  const waiting: Array<(reply: ServerMessage | 'closed') => void> = [];
  const hand = (reply: ServerMessage | 'closed') => {
    const waiter = waiting.shift();
    if (waiter) waiter(reply);
    else replies.push(reply);
  };
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.kind !== 'event') hand(message);
  });
  ws.on('close', () => hand('closed'));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    next: () => {
      const ready = replies.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no reply within 5 s')), 5_000);
        waiting.push((reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
      });
    },
  };
}

describe('the contract under random input', () => {
  it('always answers or closes cleanly, keeps serving, and keeps its memory', async () => {
    const before = server.rssBytes();
    let peak = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 12 }), async (frames) => {
        const socket = await open();
        try {
          for (const sent of frames) {
            if ('binary' in sent) socket.ws.send(sent.binary, { binary: true });
            else socket.ws.send(sent.text);
            const reply = await socket.next();
            if (reply === 'closed') return false;
            if ('call' in sent && sent.call !== undefined && reply.kind === 'result') {
              if (reply.id !== sent.call) return false;
            } else if (reply.kind !== 'error' && !('call' in sent)) {
              return false;
            }
          }
          peak = Math.max(peak, server.rssBytes() - before);
          return true;
        } finally {
          socket.ws.terminate();
        }
      }),
      { numRuns: 400, interruptAfterTimeLimit: 45_000 },
    );
    const client = await ApiClient.open(server.address, server.token);
    expect(await client.value('app.hello')).toMatchObject({ name: 'Procscope' });
    client.close();
    expect(peak).toBeLessThan(150 * 1024 * 1024);
    expect(server.process.exitCode).toBeNull();
  }, 90_000);
});
