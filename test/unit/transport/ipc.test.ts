import { describe, expect, it } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src-main/common/channels';
import {
  serveOverIpc,
  type IpcInvokeEvent,
  type IpcMainLike,
  type IpcTarget,
} from '../../../src-main/transport/ipc';
import { FakeBackend, tick } from './fake-backend';

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<
    string,
    (event: IpcInvokeEvent, message: unknown) => Promise<unknown>
  >();
  handle(channel: string, listener: (event: IpcInvokeEvent, message: unknown) => Promise<unknown>) {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(event: IpcInvokeEvent, message: unknown) {
    const handler = this.handlers.get(IPC_CALL_CHANNEL);
    if (!handler) throw new Error('no handler');
    return handler(event, message);
  }
}

function target(id: number) {
  const sent: unknown[] = [];
  let destroyed = false;
  const contents: IpcTarget = {
    id,
    isDestroyed: () => destroyed,
    send: (channel, message) => sent.push([channel, message]),
  };
  return { contents, sent, destroy: () => (destroyed = true) };
}

const hello = { kind: 'call', id: 1, method: 'app.hello', params: {} };

describe('IPC transport', () => {
  it('dispatches calls from trusted senders only', async () => {
    const ipcMain = new FakeIpcMain();
    serveOverIpc({
      backend: new FakeBackend(),
      ipcMain,
      isTrustedSender: (event) => event.senderFrame?.url === 'app://procscope/index.html',
    });
    const frame = (url: string) => ({ url, processId: 1, routingId: 1, parent: null });
    const sender = { id: 3, mainFrame: frame('app://procscope/index.html') };
    const trusted = await ipcMain.invoke(
      { sender, senderFrame: frame('app://procscope/index.html') },
      hello,
    );
    expect(trusted).toMatchObject({ ok: true, value: { transport: 'electron' } });
    const foreign = await ipcMain.invoke(
      { sender, senderFrame: frame('https://evil.example/') },
      hello,
    );
    expect(foreign).toMatchObject({ kind: 'error', error: { code: 'unauthorized' } });
  });

  it('pushes events to attached windows and forgets destroyed ones', () => {
    const backend = new FakeBackend();
    const transport = serveOverIpc({
      backend,
      ipcMain: new FakeIpcMain(),
      isTrustedSender: () => true,
    });
    const window = target(5);
    transport.attach(window.contents);
    backend.hub.emit('system.tick', tick(1));
    expect(window.sent).toEqual([
      [IPC_EVENT_CHANNEL, expect.objectContaining({ name: 'system.tick' })],
    ]);
    window.destroy();
    backend.hub.emit('system.tick', tick(2));
    expect(window.sent).toHaveLength(1);
    expect(backend.left).toEqual(['ipc-5']);
  });

  it('removes its handler and stops forwarding on close', () => {
    const backend = new FakeBackend();
    const ipcMain = new FakeIpcMain();
    const transport = serveOverIpc({ backend, ipcMain, isTrustedSender: () => true });
    const window = target(1);
    transport.attach(window.contents);
    transport.close();
    backend.hub.emit('system.tick', tick(1));
    expect(ipcMain.handlers.size).toBe(0);
    expect(window.sent).toHaveLength(0);
  });
});
