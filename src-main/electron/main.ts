// The Electron shell: one window, our own app:// scheme, the backend over IPC. Everything of
// substance lives in core/ and transport/, which run (and are tested) without Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_EVENT_CHANNEL } from '../common/channels';
import type { EventMessage } from '../common/contract';
import { checkoutResources, packagedResources } from '../core/resources';
import { createBackend, type FilePurpose } from '../core/service';
import { serveOverIpc } from '../transport/ipc';
import { startViewerServer } from '../transport/viewer-server';
import { buildMenu } from './menu';
import {
  APP_CSP,
  APP_ENTRY_URL,
  APP_SCHEME,
  createSecureWindow,
  hardenSession,
  hardenWebContents,
  isTrustedSender,
  resolveAppFile,
} from './security';

// Must happen before `ready`: a standard, secure scheme gets a real origin and fetch support.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

const bundleDir = join(import.meta.dirname, '..');
const rendererDir = join(bundleDir, 'renderer');
const preloadPath = join(bundleDir, 'preload', 'preload.cjs');
const resources = app.isPackaged
  ? packagedResources(process.resourcesPath)
  : checkoutResources(app.getAppPath());

/** Quitting waits this long for the backend to stop the Lab's programs, then quits regardless. */
export const QUIT_DEADLINE_MS = 10_000;

// Every web contents, whoever creates it, is hardened the moment it exists.
app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

const PICKER_FILTERS: Record<FilePurpose, Electron.FileFilter[]> = {
  script: [
    { name: 'Python scripts', extensions: ['py'] },
    { name: 'All files', extensions: ['*'] },
  ],
  recording: [{ name: 'Procscope recordings', extensions: ['procscope'] }],
  python: [{ name: 'All files', extensions: ['*'] }],
};

async function pickFile(purpose: FilePurpose): Promise<string | null> {
  const owner = BrowserWindow.getFocusedWindow();
  const options = { properties: ['openFile' as const], filters: PICKER_FILTERS[purpose] };
  const result = owner
    ? await dialog.showOpenDialog(owner, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The only way a path to save to reaches the backend in the app: the OS dialog, asked here. */
async function pickSavePath(suggestedName: string): Promise<string | null> {
  const owner = BrowserWindow.getFocusedWindow();
  const options: Electron.SaveDialogOptions = {
    defaultPath: join(app.getPath('documents'), suggestedName),
    filters: PICKER_FILTERS.recording,
    // macOS and Windows always ask before replacing; Linux's dialog must be told to.
    properties: ['showOverwriteConfirmation', 'createDirectory'],
  };
  const result = owner
    ? await dialog.showSaveDialog(owner, options)
    : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

export async function launch(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();

  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', APP_CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });

  const backend = createBackend({
    version: app.getVersion(),
    ...resources,
    dataDir: app.getPath('userData'),
    pickFile,
    pickSavePath,
    // Students' browsers get the same page over HTTP from the class share's own listener.
    openViewerListener: (listener) => startViewerServer({ ...listener, staticDir: rendererDir }),
  });
  const windowContentIds = new Set<number>();
  const transport = serveOverIpc({
    backend,
    ipcMain,
    isTrustedSender: (event) => isTrustedSender(event, windowContentIds),
  });

  const openWindow = () => {
    const window = createSecureWindow(preloadPath, { devTools: !app.isPackaged });
    const contentsId = window.webContents.id;
    windowContentIds.add(contentsId);
    transport.attach(window.webContents);
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => windowContentIds.delete(contentsId));
    void window.loadURL(APP_ENTRY_URL);
    return window;
  };

  Menu.setApplicationMenu(
    buildMenu(
      { isMac: process.platform === 'darwin' },
      {
        shareWithClass: () => {
          const window = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
          window?.webContents.send(IPC_EVENT_CHANNEL, {
            kind: 'event',
            name: 'app.menu',
            payload: { command: 'share' },
          } satisfies EventMessage<'app.menu'>);
        },
      },
    ),
  );
  openWindow();

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Child programs must not outlive the app: hold the quit until the backend has stopped them,
  // but never longer than the deadline (the backend kills what did not stop in its own).
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    transport.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, QUIT_DEADLINE_MS);
    });
    void Promise.race([backend.dispose(), deadline]).finally(() => {
      clearTimeout(timer);
      app.quit();
    });
  });
}

void launch();
