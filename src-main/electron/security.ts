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
export function createSecureWindow(preloadPath: string): BrowserWindow {
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
      // Middle-click would otherwise try to open links in new windows.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  });
}

/** Only our own top-level page, loaded from our own scheme, in a window we created, may call. */
export function isTrustedSender(
  event: IpcInvokeEvent,
  windowContentIds: ReadonlySet<number>,
): boolean {
  const url = event.senderFrame?.url;
  return url !== undefined && windowContentIds.has(event.sender.id) && isAppUrl(url);
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

export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
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
