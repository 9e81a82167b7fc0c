// The shell as an installed app runs it: no DevTools, and quitting never waits on a backend that
// cannot stop.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FakeBackend } from '../transport/fake-backend';
import { FakeBrowserWindow } from './fake-electron';

const backend = new FakeBackend();
// A backend whose stop never finishes: a Lab helper that cannot answer.
vi.spyOn(backend, 'dispose').mockImplementation(() => new Promise(() => undefined));
vi.mock('electron', async () =>
  (await import('./fake-electron')).createFakeElectron({ isPackaged: true }),
);
vi.mock('../../../src-main/core/service', () => ({ createBackend: () => backend }));

// Electron sets it in an installed app; the shell finds the tracer and lessons there.
Object.assign(process, { resourcesPath: '/opt/Procscope/resources' });
const electron = (await import('electron')) as unknown as ReturnType<
  typeof import('./fake-electron').createFakeElectron
>;
const { QUIT_DEADLINE_MS } = await import('../../../src-main/electron/main');
await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
const [window] = FakeBrowserWindow.instances;

afterAll(() => vi.useRealTimers());

describe('the packaged app', () => {
  it('opens its window without DevTools', () => {
    expect(window?.options.webPreferences).toMatchObject({ devTools: false, sandbox: true });
  });

  it('quits at the deadline even when the backend never finishes stopping', () => {
    vi.useFakeTimers();
    const event = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    vi.advanceTimersByTime(QUIT_DEADLINE_MS - 1);
    expect(electron.app.quit).not.toHaveBeenCalled();
    return vi.waitFor(
      async () => {
        await vi.advanceTimersByTimeAsync(1);
        expect(electron.app.quit).toHaveBeenCalledOnce();
      },
      { timeout: 1_000 },
    );
  });
});
