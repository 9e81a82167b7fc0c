import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src-main/common/channels';
import { FakeBackend } from '../transport/fake-backend';
import { FakeBrowserWindow } from './fake-electron';

const backend = new FakeBackend();
const dispose = vi.spyOn(backend, 'dispose');
vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron());
const backendOptions: Array<{ pickFile?: (purpose: 'script') => Promise<string | null> }> = [];
vi.mock('../../../src-main/core/service', () => ({
  createBackend: (options: (typeof backendOptions)[number]) => {
    backendOptions.push(options);
    return backend;
  },
}));

const electron = (await import('electron')) as unknown as ReturnType<
  typeof import('./fake-electron').createFakeElectron
>;
await import('../../../src-main/electron/main');
await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
const [window] = FakeBrowserWindow.instances;

describe('Electron shell wiring', () => {
  it('registers app:// as a standard, secure scheme and serves it', () => {
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
  });

  it('opens one hardened window on the app:// entry', () => {
    expect(window?.loadedUrl).toBe('app://procscope/index.html');
    expect(window?.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(window?.webContents.windowOpenHandler?.({ url: 'https://x' })).toEqual({
      action: 'deny',
    });
    expect(electron.session.defaultSession.permissionCheckHandler?.()).toBe(false);
  });

  it('answers IPC from its window and refuses any other sender', async () => {
    const handler = electron.ipcMain.handlers.get(IPC_CALL_CHANNEL);
    const hello = { kind: 'call', id: 1, method: 'app.hello', params: {} };
    const ownFrame = {
      sender: { id: window?.webContents.id },
      senderFrame: { url: 'app://procscope/index.html' },
    };
    expect(await handler?.(ownFrame, hello)).toMatchObject({
      ok: true,
      value: { transport: 'electron' },
    });
    const stranger = { sender: { id: 999 }, senderFrame: { url: 'app://procscope/index.html' } };
    expect(await handler?.(stranger, hello)).toMatchObject({
      kind: 'error',
      error: { code: 'unauthorized' },
    });
  });

  it('gives the backend the OS file picker, owned by the window', async () => {
    const pickFile = backendOptions[0]?.pickFile;
    expect(await pickFile?.('script')).toBe('/home/student/lesson.py');
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(
      window,
      expect.objectContaining({ properties: ['openFile'] }),
    );
  });

  it('offers Share with Class in the menu, which asks the page to open its dialog', () => {
    const [template] = electron.Menu.buildFromTemplate.mock.calls[0] as [
      Array<{ label?: string; submenu?: Array<{ label?: string; click?: () => void }> }>,
    ];
    const item = template
      .flatMap((menu) => menu.submenu ?? [])
      .find((entry) => entry.label === 'Share with Class…');
    item?.click?.();
    expect(window?.webContents.sent).toContainEqual([
      IPC_EVENT_CHANNEL,
      { kind: 'event', name: 'app.menu', payload: { command: 'share' } },
    ]);
  });

  it('holds quitting until the backend has stopped its child programs', async () => {
    const event = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(dispose).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
  });
});
