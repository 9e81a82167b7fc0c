import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../../src-main/common/channels';
import { FakeBackend } from '../transport/fake-backend';
import { FakeBrowserWindow, FakeWebContents } from './fake-electron';

const backend = new FakeBackend();
const dispose = vi.spyOn(backend, 'dispose');
vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron());
const backendOptions: Array<{
  pickFile?: (purpose: 'script') => Promise<string | null>;
  pickSavePath?: (suggestedName: string) => Promise<string | null>;
}> = [];
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

  it('answers IPC from the main frame of its window and refuses any other sender', async () => {
    const handler = electron.ipcMain.handlers.get(IPC_CALL_CHANNEL);
    const hello = { kind: 'call', id: 1, method: 'app.hello', params: {} };
    const contents = window?.webContents as FakeWebContents;
    const sender = { id: contents.id, mainFrame: contents.mainFrame };
    expect(await handler?.({ sender, senderFrame: contents.mainFrame }, hello)).toMatchObject({
      ok: true,
      value: { transport: 'electron' },
    });
    const refused = { kind: 'error', error: { code: 'unauthorized' } };
    const stranger = { sender: { ...sender, id: 999 }, senderFrame: contents.mainFrame };
    expect(await handler?.(stranger, hello)).toMatchObject(refused);
    // A frame inside our page, even one claiming our URL, is not our page.
    const subframe = { ...contents.mainFrame, routingId: 7, parent: contents.mainFrame };
    expect(await handler?.({ sender, senderFrame: subframe }, hello)).toMatchObject(refused);
  });

  it('hardens every web contents the moment it is created, not only its windows', () => {
    const stray = new FakeWebContents();
    electron.app.emit('web-contents-created', {}, stray);
    expect(stray.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    const navigation = { preventDefault: vi.fn() };
    stray.emit('will-navigate', navigation, 'https://evil.example');
    expect(navigation.preventDefault).toHaveBeenCalled();
  });

  it('keeps DevTools in a development build (a packaged one has none)', () => {
    expect(window?.options.webPreferences).toMatchObject({ devTools: true });
  });

  it('refuses every device picker: Bluetooth, serial, HID, USB', () => {
    const contents = window?.webContents as FakeWebContents;
    const bluetooth = { event: { preventDefault: vi.fn() }, choose: vi.fn() };
    contents.emit(
      'select-bluetooth-device',
      bluetooth.event,
      [{ deviceId: 'b1' }],
      bluetooth.choose,
    );
    expect(bluetooth.event.preventDefault).toHaveBeenCalled();
    expect(bluetooth.choose).toHaveBeenCalledWith('');
    const session = electron.session.defaultSession;
    const serial = { event: { preventDefault: vi.fn() }, choose: vi.fn() };
    session.emit('select-serial-port', serial.event, [{ portId: 'p1' }], contents, serial.choose);
    expect(serial.event.preventDefault).toHaveBeenCalled();
    expect(serial.choose).toHaveBeenCalledWith('');
    for (const name of ['select-hid-device', 'select-usb-device']) {
      const picker = { event: { preventDefault: vi.fn() }, choose: vi.fn() };
      session.emit(name, picker.event, { deviceList: [{ deviceId: 'd1' }] }, picker.choose);
      expect(picker.event.preventDefault).toHaveBeenCalled();
      expect(picker.choose).toHaveBeenCalledWith();
    }
  });

  it('gives the backend a save path from the OS save dialog only, which asks before replacing', async () => {
    const pickSavePath = backendOptions[0]?.pickSavePath;
    expect(await pickSavePath?.('run.procscope')).toBe('/home/student/Documents/run.procscope');
    expect(electron.dialog.showSaveDialog).toHaveBeenCalledWith(
      window,
      expect.objectContaining({
        defaultPath: '/home/student/Documents/run.procscope',
        properties: expect.arrayContaining(['showOverwriteConfirmation']),
      }),
    );
    electron.dialog.showSaveDialog.mockResolvedValueOnce({ canceled: true, filePath: '' });
    expect(await pickSavePath?.('run.procscope')).toBeNull();
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
