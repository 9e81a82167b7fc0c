// The class share end to end: a teacher's page and a student's page in two browser contexts,
// through the real server, the real viewers' listener and real Python. The teacher shares,
// runs lesson 6 in step mode and steps through it; the student's page follows — same run, same
// pauses, same Story — cannot do anything to it, survives a dropped connection, and says so
// plainly when the teacher stops sharing.
import type { BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../src-main/common/contract';
import type { Browser } from 'playwright-core';
import { cspViolations, launchBrowser, openPage, startServer, type RunningServer } from './harness';

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const TEACHER_ONLY = (Object.keys(methods) as MethodName[]).filter(
  (name) => methods[name].viewer !== 'read',
);

/** Calls each method over a socket of the viewer's own page (its origin, its token). */
function callFromViewerPage(page: Page, names: MethodName[]): Promise<Record<string, string>> {
  return page.evaluate(async (names) => {
    const token = new URL(location.href).searchParams.get('token') ?? '';
    const socket = new WebSocket(`ws://${location.host}/api?token=${token}`);
    await new Promise((resolve) => (socket.onopen = resolve));
    const replies: Record<string, string> = {};
    await Promise.all(
      names.map(
        (method, index) =>
          new Promise<void>((resolve) => {
            const id = 1000 + index;
            socket.addEventListener('message', (event) => {
              const message = JSON.parse(String(event.data)) as {
                id?: number;
                ok?: boolean;
                error?: { code: string };
              };
              if (message.id !== id) return;
              replies[method] = message.ok ? 'ok' : (message.error?.code ?? '?');
              resolve();
            });
            socket.send(JSON.stringify({ kind: 'call', id, method, params: {} }));
          }),
      ),
    );
    socket.close();
    return replies;
  }, names);
}

const pausedText = (page: Page) =>
  page
    .getByTestId('lesson-paused')
    .getByRole('status')
    .textContent({ timeout: 1000 })
    .then((text) => text?.replace(/\s+/g, ' ').trim() ?? '')
    .catch(() => '');
const story = (page: Page) =>
  page
    .getByTestId('narration')
    .textContent()
    .then((text) => text?.replace(/\s+/g, ' ').trim());
const runOf = (page: Page) => page.getByTestId('lesson-run-state').getAttribute('data-run');
const stateOf = (page: Page) => page.getByTestId('lesson-run-state').getAttribute('data-state');

describe('class share', () => {
  it('a student follows lesson 6 stepped through, read-only, across a drop, until Stop', async () => {
    const teacher = await openPage(browser, server.url);

    // Share on loopback (the machine running the test has no classroom network).
    await teacher.getByRole('button', { name: 'Share with Class…' }).click();
    const dialog = teacher.getByTestId('share-dialog');
    await dialog.getByTestId('share-interface').selectOption('127.0.0.1');
    await dialog.getByRole('button', { name: 'Start sharing' }).click();
    const url = (await dialog.getByTestId('share-url').textContent())?.trim() ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    expect(url).not.toContain(server.token);
    expect(new URL(url).port).not.toBe(new URL(server.url).port);
    await expect.poll(() => dialog.getByTestId('share-qr').isVisible()).toBe(true);

    const viewer = await openPage(browser, url);
    const viewerContext: BrowserContext = viewer.context();
    // The page's sockets pass through a switch, to drop them as a Wi-Fi drop would: while
    // "offline" every attempt to reconnect is closed at once.
    let online = true;
    const sockets: WebSocketRoute[] = [];
    await viewerContext.routeWebSocket(/\/api\?token=/, (socket) => {
      if (!online) {
        socket.close({ code: 4000, reason: 'offline' });
        return;
      }
      socket.connectToServer();
      sockets.push(socket);
    });
    await viewer.reload();
    await viewer.getByText('Read-only view of the teacher’s screen').waitFor();
    await expect
      .poll(() => dialog.getByTestId('share-viewers').getAttribute('data-count'))
      .toBe('1');
    await expect.poll(() => teacher.getByTestId('share-button').textContent()).toMatch(/1 viewer/);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The teacher opens lesson 6 with the keyboard-free way a teacher would: clicks.
    await teacher.getByRole('tab', { name: 'Lessons' }).click();
    await teacher.getByTestId('lesson-option').nth(5).click();
    await teacher.getByText('Lesson 6 of 10').waitFor();
    // The student's page went there too, and offers nothing to press.
    await viewer.getByText('Lesson 6 of 10').waitFor();
    expect(await viewer.getByRole('tab', { name: 'Lessons' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(await viewer.getByRole('button', { name: /^Run/ }).count()).toBe(0);
    expect(await viewer.getByRole('checkbox', { name: /Step mode/ }).count()).toBe(0);

    // With join(): two start() and two join() pauses. The student's page shows that choice too.
    await teacher.getByRole('radio', { name: /With join\(\)/ }).check();
    await expect
      .poll(() => viewer.getByRole('radio', { name: /With join\(\)/ }).isChecked())
      .toBe(true);
    await expect.poll(() => teacher.getByRole('button', { name: /^Run/ }).isEnabled()).toBe(true);
    await teacher.getByRole('checkbox', { name: /Step mode/ }).check();
    await teacher.getByRole('button', { name: /^Run/ }).click();
    await expect.poll(() => runOf(teacher), { timeout: 15_000 }).toBeTruthy();
    const runId = await runOf(teacher);
    await expect.poll(() => runOf(viewer), { timeout: 10_000 }).toBe(runId);

    const pauses: string[] = [];
    let dropped = false;
    for (let step = 0; step < 30; step++) {
      await expect
        .poll(
          async () =>
            (await pausedText(teacher)).includes('Paused:') ||
            (await stateOf(teacher)) === 'exited',
          { timeout: 15_000 },
        )
        .toBe(true);
      if ((await stateOf(teacher)) === 'exited') break;
      const paused = await pausedText(teacher);
      // The student sees the same pause (after a drop: once reconnected, from a fresh snapshot).
      await expect.poll(() => pausedText(viewer), { timeout: 20_000 }).toBe(paused);
      expect(await viewer.getByRole('button', { name: /^Step/ }).count()).toBe(0);
      pauses.push(paused);

      if (step === 1) {
        // The Wi-Fi drops: the student's socket closes and cannot reopen for a while. The
        // teacher steps on meanwhile; the student's page must catch up by itself.
        online = false;
        for (const socket of sockets.splice(0))
          await socket.close({ code: 4000, reason: 'offline' });
        await viewer.getByTestId('connection-banner').waitFor();
        expect(await viewer.getByTestId('connection-banner').textContent()).toContain(
          'Reconnecting',
        );
        dropped = true;
      }
      await teacher.getByRole('button', { name: /^Step/ }).click();
      await expect
        .poll(async () => (await pausedText(teacher)) !== paused, { timeout: 15_000 })
        .toBe(true);
      if (step === 1) {
        online = true;
        await viewer.getByTestId('connection-banner').waitFor({ state: 'detached' });
      }
    }
    expect(dropped).toBe(true);
    expect(pauses.length).toBeGreaterThanOrEqual(4);
    await expect.poll(() => stateOf(viewer), { timeout: 15_000 }).toBe('exited');
    await expect.poll(() => story(viewer), { timeout: 10_000 }).toBe(await story(teacher));
    expect(await story(viewer)).toContain('join()');

    // Every teacher-only method, from the viewer's own page, is refused by the server.
    const replies = await callFromViewerPage(viewer, TEACHER_ONLY);
    expect(Object.keys(replies).sort()).toEqual([...TEACHER_ONLY].sort());
    for (const name of TEACHER_ONLY)
      expect({ name, reply: replies[name] }).toEqual({ name, reply: 'forbidden' });
    // And the run is still the teacher's, unchanged by any of it.
    expect(await stateOf(teacher)).toBe('exited');

    // A student who looks around stops following until they come back.
    await viewer.getByRole('tab', { name: 'Lab' }).click();
    await viewer.getByRole('button', { name: 'Back to the teacher’s screen' }).click();
    await viewer.getByText('Lesson 6 of 10').waitFor();

    // Stop sharing: every student is told, and nothing reconnects.
    await teacher.getByTestId('share-button').click();
    await teacher.getByTestId('share-dialog').getByRole('button', { name: 'Stop sharing' }).click();
    await viewer.getByTestId('share-ended').waitFor();
    expect(await viewer.getByTestId('share-ended').textContent()).toContain(
      'The teacher stopped sharing',
    );
    await expect
      .poll(() => teacher.getByTestId('share-button').textContent())
      .toBe('Share with Class…');

    expect(await cspViolations(teacher)).toEqual([]);
    expect(await cspViolations(viewer)).toEqual([]);
    await viewerContext.close();
    await teacher.context().close();
  });

  it('shows the System view to students only when the teacher shares it', async () => {
    const teacher = await openPage(browser, server.url);
    await teacher.getByTestId('share-button').click();
    const dialog = teacher.getByTestId('share-dialog');
    await dialog.getByTestId('share-interface').selectOption('127.0.0.1');
    await dialog.getByRole('button', { name: 'Start sharing' }).click();
    const url = (await dialog.getByTestId('share-url').textContent())?.trim() ?? '';
    await dialog.getByRole('button', { name: 'Close' }).click();
    await teacher.getByRole('tab', { name: 'System' }).click();

    const viewer = await openPage(browser, url);
    await viewer.getByTestId('view-not-shared').waitFor();
    expect(await viewer.getByRole('grid').count()).toBe(0);

    await teacher.getByTestId('share-button').click();
    await dialog.getByRole('checkbox', { name: /Share the System and Overview/ }).check();
    await viewer.getByRole('grid').waitFor({ timeout: 10_000 });
    await expect
      .poll(() => viewer.getByRole('row').count(), { timeout: 10_000 })
      .toBeGreaterThan(5);

    await dialog.getByRole('checkbox', { name: /Share the System and Overview/ }).uncheck();
    await viewer.getByTestId('view-not-shared').waitFor();
    await dialog.getByRole('button', { name: 'Stop sharing' }).click();
    await viewer.getByTestId('share-ended').waitFor();
    await viewer.context().close();
    await teacher.context().close();
  });
});
