// A stand-in for the `electron` module: records what the shell asks of it, so the security
// baseline and the wiring can be checked without the Electron runtime (which cannot run here).
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  /** As Electron's WebFrameMain: a main frame has no parent. */
  readonly mainFrame = {
    processId: 100 + this.id,
    routingId: 1,
    url: 'app://procscope/index.html',
    parent: null,
  };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: unknown[] = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  isDestroyed() {
    return false;
  }
  send(channel: string, message: unknown) {
    this.sent.push([channel, message]);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  /** Electron's app emits web-contents-created for every window's contents. */
  static app: EventEmitter | undefined;
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
    FakeBrowserWindow.app?.emit('web-contents-created', {}, this.webContents);
  }
  static getAllWindows() {
    return FakeBrowserWindow.instances;
  }
  static getFocusedWindow() {
    return FakeBrowserWindow.instances[0] ?? null;
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {}
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler:
    ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
  permissionCheckHandler: (() => boolean) | undefined;
  devicePermissionHandler: (() => boolean) | undefined;
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: () => boolean) {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: () => boolean) {
    this.devicePermissionHandler = handler;
  }
}

export function createFakeElectron({ isPackaged = false } = {}) {
  const app = Object.assign(new EventEmitter(), {
    isPackaged,
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getVersion: () => '0.0.0-test',
    getAppPath: () => '/app',
    getPath: (name: string) =>
      name === 'documents' ? '/home/student/Documents' : '/tmp/procscope-test-user-data',
    quit: vi.fn(),
  });
  FakeBrowserWindow.app = app;
  const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handlers: ipcHandlers,
      handle: (channel: string, handler: (...args: unknown[]) => unknown) =>
        ipcHandlers.set(channel, handler),
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    Menu: {
      setApplicationMenu: vi.fn(),
      buildFromTemplate: vi.fn((template: unknown) => ({ template })),
    },
    net: { fetch: vi.fn() },
    dialog: {
      showOpenDialog: vi.fn(async () => ({
        canceled: false,
        filePaths: ['/home/student/lesson.py'],
      })),
      showSaveDialog: vi.fn(async (..._args: unknown[]) => ({
        canceled: false,
        filePath: '/home/student/Documents/run.procscope',
      })),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    session: { defaultSession: new FakeSession() },
  };
}
