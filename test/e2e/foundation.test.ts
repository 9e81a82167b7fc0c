import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cspViolations, openPage, useServerAndBrowser } from './harness';

const e2e = useServerAndBrowser();

describe('browser mode, end to end', () => {
  it('shows live machine figures that change over time', async () => {
    const page = await openPage(e2e.browser, e2e.server.url);
    const processes = page.getByTestId('process-count');
    await processes.waitFor();
    expect(Number((await processes.textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(
      Number((await page.getByTestId('thread-count').textContent())?.replace(/,/g, '')),
    ).toBeGreaterThan(0);
    await expect.poll(async () => page.getByTestId('hostname').textContent()).toMatch(/\S/);
    expect(await page.getByTestId('cores').textContent()).toMatch(/\d+ logical/);
    const firstSample = await page.getByTestId('sampled-at').getAttribute('data-at');
    await expect
      .poll(async () => page.getByTestId('sampled-at').getAttribute('data-at'), { timeout: 5000 })
      .not.toBe(firstSample);
    await expect.poll(async () => page.getByRole('status').first().textContent()).toContain('Live');
    // The strict CSP (no inline styles or scripts) must not break anything the page does.
    expect(await cspViolations(page)).toEqual([]);
  });

  it('refuses a page whose token is wrong and says why', async () => {
    const page = await openPage(e2e.browser, `${e2e.server.origin}/?token=not-the-token`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('wrong or missing access token');
    expect(await page.getByTestId('process-count').count()).toBe(0);
  });

  it('answers a malformed message with an error and keeps serving', async () => {
    const ws = new WebSocket(`ws://${new URL(e2e.server.url).host}/api?token=${e2e.server.token}`);
    const replies: unknown[] = [];
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { kind: string };
      if (message.kind !== 'event') replies.push(message);
    });
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send('this is not json');
    ws.send(JSON.stringify({ kind: 'call', id: 'x', method: 42 }));
    ws.send(
      JSON.stringify({
        kind: 'call',
        id: 3,
        method: 'system.setInterval',
        params: { intervalMs: 'fast' },
      }),
    );
    ws.send(JSON.stringify({ kind: 'call', id: 4, method: 'app.hello', params: {} }));
    await expect.poll(() => replies.length).toBe(4);
    expect(replies[0]).toMatchObject({ kind: 'error', error: { code: 'bad-request' } });
    expect(replies[1]).toMatchObject({ kind: 'error', error: { code: 'bad-request' } });
    expect(replies[2]).toMatchObject({ id: 3, ok: false, error: { code: 'invalid-params' } });
    expect(replies[3]).toMatchObject({
      id: 4,
      ok: true,
      value: { name: 'Procscope', transport: 'websocket' },
    });
    ws.close();
    expect(e2e.server.process.exitCode).toBeNull();
  });
});
