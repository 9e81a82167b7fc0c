import { describe, expect, it, vi } from 'vitest';
import { RpcDispatcher } from '../../../src-main/transport/rpc';
import { FakeBackend } from './fake-backend';

const client = { id: 'c1', transport: 'websocket' as const };

describe('RpcDispatcher', () => {
  const backend = new FakeBackend();
  const logError = vi.fn();
  const dispatcher = new RpcDispatcher(backend.handlers, logError);

  it('answers a valid call with the handler result and the caller context', async () => {
    const reply = await dispatcher.dispatch(
      { kind: 'call', id: 7, method: 'app.hello', params: {} },
      client,
    );
    expect(reply).toEqual({
      kind: 'result',
      id: 7,
      ok: true,
      value: { name: 'Procscope', version: 'test', transport: 'websocket', role: 'teacher' },
    });
  });

  it.each([
    null,
    42,
    'call',
    [],
    { kind: 'call' },
    { kind: 'call', id: -1, method: 'x', params: {} },
  ])('turns the malformed message %j into a bad-request error', async (raw) => {
    const reply = await dispatcher.dispatch(raw, client);
    expect(reply).toMatchObject({ kind: 'error', error: { code: 'bad-request' } });
  });

  it('refuses unknown methods, including inherited object keys', async () => {
    for (const method of ['nope', 'toString', '__proto__']) {
      const reply = await dispatcher.dispatch({ kind: 'call', id: 1, method, params: {} }, client);
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    }
  });

  it('validates params against the contract before any handler runs', async () => {
    const reply = await dispatcher.dispatch(
      { kind: 'call', id: 2, method: 'system.setInterval', params: { intervalMs: 10 } },
      client,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
    if (reply.kind === 'result' && !reply.ok) expect(reply.error.message).toContain('intervalMs');

    const extra = await dispatcher.dispatch(
      { kind: 'call', id: 3, method: 'system.setPaused', params: { paused: true, evil: 1 } },
      client,
    );
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
  });

  it('passes a ProcscopeError through with its code and message', async () => {
    const reply = await dispatcher.dispatch(
      {
        kind: 'call',
        id: 4,
        method: 'system.signal',
        params: { target: { pid: 12, startTime: 5 }, action: 'kill', tree: false },
      },
      client,
    );
    expect(reply).toEqual({
      kind: 'result',
      id: 4,
      ok: false,
      error: { code: 'gone', message: 'Process 12 has already exited.' },
    });
  });

  it('reports an unexpected handler failure as "failed" and logs it', async () => {
    const reply = await dispatcher.dispatch(
      { kind: 'call', id: 5, method: 'system.machine', params: {} },
      client,
    );
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringContaining('sensor exploded') },
    });
    expect(logError).toHaveBeenCalledOnce();
  });
});
