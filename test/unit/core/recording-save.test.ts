// Where a recording is saved, by who asks: the app's window never names a path (the main
// process asks the OS save dialog); browser mode may, absolute, and is asked before replacing.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ClientContext } from '../../../src-main/common/contract';
import { checkoutResources } from '../../../src-main/core/resources';
import { writeRecording } from '../../../src-main/core/recording/format';
import { createBackend } from '../../../src-main/core/service';
import { RpcDispatcher } from '../../../src-main/transport/rpc';
import { bigLog, summaryOf } from '../helpers/recordings';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'procscope-save-'));
const chosen = join(dir, 'chosen.procscope');
const pickSavePath = vi.fn(async (_suggested: string): Promise<string | null> => chosen);
const backend = createBackend({
  version: 'test',
  ...checkoutResources(root),
  dataDir: join(dir, 'data'),
  pickSavePath,
});
const dispatcher = new RpcDispatcher(backend.handlers);
afterAll(() => backend.dispose());

const app: ClientContext = { id: 'ipc-1', transport: 'electron' };
const page: ClientContext = { id: 'ws-1', transport: 'websocket' };
let nextId = 1;
const call = (client: ClientContext, method: string, params: unknown) =>
  dispatcher.dispatch({ kind: 'call', id: nextId++, method, params }, client);

async function replay(): Promise<string> {
  const file = join(dir, 'source.procscope');
  const log = bigLog(500);
  await writeRecording(file, summaryOf(log, 'source.py'), log, 'procscope-test', 'replace');
  const opened = await call(app, 'recording.open', { path: file });
  if (opened.kind !== 'result' || !opened.ok) throw new Error(JSON.stringify(opened));
  return (opened.value as { id: string }).id;
}

describe('recording.save', () => {
  it('in the app, takes the path from the OS save dialog and never from the window', async () => {
    const runId = await replay();
    const elsewhere = join(dir, 'from-the-renderer.procscope');
    expect(await call(app, 'recording.save', { runId, path: elsewhere })).toMatchObject({
      ok: false,
      error: { code: 'invalid-params', message: expect.stringContaining('save dialog') },
    });
    writeFileSync(chosen, 'older');
    // The dialog asked about replacing: the file it named is replaced.
    expect(await call(app, 'recording.save', { runId, saveAs: true })).toMatchObject({
      ok: true,
      value: { path: chosen },
    });
    expect(pickSavePath).toHaveBeenCalledWith(expect.stringMatching(/^source\.py-.*\.procscope$/));
    expect(readFileSync(chosen).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    pickSavePath.mockResolvedValueOnce(null);
    expect(await call(app, 'recording.save', { runId, saveAs: true })).toMatchObject({
      ok: true,
      value: { path: null },
    });
  });

  it('in browser mode, has no save dialog to ask', async () => {
    const browserBackend = createBackend({
      version: 'test',
      ...checkoutResources(root),
      dataDir: join(dir, 'data'),
    });
    const reply = await new RpcDispatcher(browserBackend.handlers).dispatch(
      { kind: 'call', id: 1, method: 'recording.save', params: { runId: 'any', saveAs: true } },
      page,
    );
    await browserBackend.dispose();
    expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
