import { describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeSession, FakeWebContents } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).createFakeElectron());

const security = await import('../../../src-main/electron/security');

describe('Electron security baseline', () => {
  it('creates windows isolated, sandboxed and without Node', () => {
    const window = security.createSecureWindow('/bundle/preload/preload.cjs', {
      devTools: false,
    }) as unknown as FakeBrowserWindow;
    expect(window.options.webPreferences).toMatchObject({
      preload: '/bundle/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: false,
    });
  });

  it('has a CSP that allows only our own scripts and no network', () => {
    expect(security.APP_CSP).toContain("script-src 'self'");
    expect(security.APP_CSP).toContain("connect-src 'self'");
    expect(security.APP_CSP).toContain("object-src 'none'");
    expect(security.APP_CSP).not.toContain('unsafe-eval');
  });

  it('accepts IPC only from the main frame of our own page in our own window', () => {
    const ours = new Set([7]);
    const main = { processId: 3, routingId: 1, url: 'app://procscope/index.html', parent: null };
    const from = (id: number, frame: Partial<typeof main> | null) => ({
      sender: { id, mainFrame: main },
      senderFrame: frame === null ? null : { ...main, ...frame },
    });
    expect(security.isTrustedSender(from(7, {}), ours)).toBe(true);
    expect(security.isTrustedSender(from(8, {}), ours)).toBe(false);
    expect(security.isTrustedSender(from(7, { url: 'https://evil.example/' }), ours)).toBe(false);
    expect(security.isTrustedSender(from(7, { url: 'app://elsewhere/index.html' }), ours)).toBe(
      false,
    );
    expect(security.isTrustedSender(from(7, { url: 'file:///etc/passwd' }), ours)).toBe(false);
    expect(security.isTrustedSender(from(7, null), ours)).toBe(false);
    // An iframe of our own page with our own URL is still not the page.
    expect(security.isTrustedSender(from(7, { routingId: 2, parent: main as never }), ours)).toBe(
      false,
    );
    expect(security.isTrustedSender(from(7, { routingId: 2 }), ours)).toBe(false);
  });

  it('blocks new windows, foreign navigation, redirects and webviews', () => {
    const contents = new FakeWebContents();
    security.hardenWebContents(contents as never);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({
      action: 'deny',
    });
    for (const [name, url, blocked] of [
      ['will-navigate', 'https://example.com', true],
      ['will-redirect', 'http://127.0.0.1:1/', true],
      ['will-navigate', 'app://procscope/index.html', false],
    ] as const) {
      const event = { preventDefault: vi.fn() };
      contents.emit(name, event, url);
      expect(event.preventDefault).toHaveBeenCalledTimes(blocked ? 1 : 0);
    }
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    const session = new FakeSession();
    security.hardenSession(session as never);
    const callback = vi.fn();
    session.permissionRequestHandler?.({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.permissionCheckHandler?.()).toBe(false);
    expect(session.devicePermissionHandler?.()).toBe(false);
  });

  it('serves app:// files from the bundle only', () => {
    expect(security.resolveAppFile('/bundle/renderer', 'app://procscope/')).toBe(
      '/bundle/renderer/index.html',
    );
    expect(security.resolveAppFile('/bundle/renderer', 'app://procscope/assets/a.js')).toBe(
      '/bundle/renderer/assets/a.js',
    );
    // Dot segments are collapsed before joining, so they can never climb out of the bundle.
    expect(
      security.resolveAppFile('/bundle/renderer', 'app://procscope/%2e%2e/%2e%2e/etc/passwd'),
    ).toBe('/bundle/renderer/etc/passwd');
    expect(security.resolveAppFile('/bundle/renderer', 'app://other/index.html')).toBeNull();
  });
});
