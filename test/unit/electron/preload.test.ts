import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src-main/common/channels';

const exposed = new Map<string, unknown>();
const ipcRenderer = {
  invoke: vi.fn(async () => ({ kind: 'result', id: 1, ok: true, value: 'pong' })),
  on: vi.fn(),
  removeListener: vi.fn(),
};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer,
}));
await import('../../../src-main/preload/preload');

describe('preload bridge', () => {
  it('exposes exactly { call, on } under window.procscope', () => {
    expect([...exposed.keys()]).toEqual(['procscope']);
    expect(Object.keys(exposed.get('procscope') as object).sort()).toEqual(['call', 'on']);
  });

  it('sends calls on the call channel only', async () => {
    const bridge = exposed.get('procscope') as { call(message: unknown): Promise<unknown> };
    await expect(
      bridge.call({ kind: 'call', id: 1, method: 'app.hello', params: {} }),
    ).resolves.toMatchObject({ ok: true });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, expect.anything());
  });

  it('forwards events without leaking the IPC event object, and can unsubscribe', () => {
    const bridge = exposed.get('procscope') as {
      on(listener: (message: unknown) => void): () => void;
    };
    const listener = vi.fn();
    const off = bridge.on(listener);
    const [[channel, forward]] = ipcRenderer.on.mock.calls as unknown as [
      [string, (...args: unknown[]) => void],
    ];
    expect(channel).toBe(IPC_EVENT_CHANNEL);
    forward({ sender: 'secret' }, { kind: 'event', name: 'system.tick', payload: {} });
    expect(listener).toHaveBeenCalledWith({ kind: 'event', name: 'system.tick', payload: {} });
    off();
    expect(ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, forward);
  });
});
