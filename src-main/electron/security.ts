// The Electron security baseline in one place, so tests can assert it and main.ts only wires it.
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { normalize, join, sep } from 'node:path';
import { contentSecurityPolicy } from '../transport/web-server';
import type { IpcInvokeEvent } from '../transport/ipc';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://procscope`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The renderer talks only to the backend through IPC, so it may connect nowhere. */
export const APP_CSP = contentSecurityPolicy("'self'");

/**
 * The one place windows are made. The options are spelled out literally here (not assembled)
 * so both a reader and the electronegativity scan see the whole baseline at once.
 */
export function createSecureWindow(
  preloadPath: string,
  { devTools }: { devTools: boolean },
): BrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Procscope',
    backgroundColor: '#1b1d21',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // A packaged build has no DevTools: they would let anyone at the keyboard call the backend.
      devTools,
      // Middle-click would otherwise try to open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}

/**
 * Only our own page may call: loaded from our own scheme, in a window we created, and its main
 * frame — not a frame inside it, whatever that frame's URL claims.
 */
export function isTrustedSender(
  event: IpcInvokeEvent,
  windowContentIds: ReadonlySet<number>,
): boolean {
  const frame = event.senderFrame;
  const main = event.sender.mainFrame;
  return (
    frame !== null &&
    frame.parent === null &&
    frame.processId === main.processId &&
    frame.routingId === main.routingId &&
    windowContentIds.has(event.sender.id) &&
    isAppUrl(frame.url)
  );
}

export function isAppUrl(url: string): boolean {
  // Node's URL gives custom schemes an opaque "null" origin, so compare scheme and host instead.
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'procscope';
  } catch {
    return false;
  }
}

/**
 * Every web contents the app ever makes — windows, and anything a page might open — gets this
 * (main.ts applies it from app's web-contents-created, so none is missed).
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // Web Bluetooth asks the app to choose a device: choose none.
  contents.on('select-bluetooth-device', (event, _devices, choose) => {
    event.preventDefault();
    choose('');
  });
  const stayHome = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // Serial, HID and USB pickers are the app's to show; it shows none and grants nothing.
  session.on('select-serial-port', (event, _ports, _contents, choose) => {
    event.preventDefault();
    choose('');
  });
  session.on('select-hid-device', (event, _details, choose) => {
    event.preventDefault();
    choose();
  });
  session.on('select-usb-device', (event, _details, choose) => {
    event.preventDefault();
    choose();
  });
}

/** Maps an app:// URL to a file inside the renderer bundle, or null when it would escape it. */
export function resolveAppFile(rendererDir: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  const file = join(rendererDir, normalize(pathname === '/' ? '/index.html' : pathname));
  return file.startsWith(rendererDir + sep) ? file : null;
}
