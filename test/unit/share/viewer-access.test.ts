// The class share against the real backend and both real listeners: what a viewer's socket may
// call (every method of the contract, tried), what it is shown (no paths), which token opens
// which door, and what Stop sharing does to the class.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodName, type Params } from '../../../src-main/common/contract';
import type { RunSummary } from '../../../src-main/common/lab';
import {
  SHARE_ENDED_CLOSE_CODE,
  VIEWER_ACCESS,
  type ShareStatus,
} from '../../../src-main/common/share';
import type { Backend } from '../../../src-main/core/backend';
import { checkoutResources } from '../../../src-main/core/resources';
import { createBackend } from '../../../src-main/core/service';
import { startViewerServer } from '../../../src-main/transport/viewer-server';
import { CLOSE_CODES } from '../../../src-main/transport/client-pool';
import { startWebServer, type WebServer } from '../../../src-main/transport/web-server';
import { connectTo, value, type SocketClient } from './socket-client';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * What a viewer may call. Adding a method to this list is a decision about the security of
 * every class share: it must be one that changes nothing and reveals only what the teacher's
 * screen shows.
 */
const VIEWER_READ_ONLY: MethodName[] = [
  'app.hello',
  'lab.events',
  'lab.runs',
  'lessons.list',
  'recording.list',
  'share.stage',
];
/** And these too, only while the teacher shares the System view. */
const VIEWER_WITH_SYSTEM: MethodName[] = ['system.machine', 'system.snapshot', 'system.watch'];

/** Valid params for every method, so a refusal is never about the params. */
const SAMPLE: { [M in MethodName]: Params<M> } = {
  'app.hello': {},
  'app.pickFile': { purpose: 'script' },
  'system.machine': {},
  'system.snapshot': {},
  'system.setInterval': { intervalMs: 2000 },
  'system.setPaused': { paused: true },
  'system.watch': { ids: [] },
  'system.watchDiskIo': { enabled: true },
  'system.signal': { target: { pid: 1, startTime: 0 }, action: 'kill', tree: true },
  'lab.python': {},
  'lab.setPython': { path: '/usr/bin/false' },
  'lab.start': { kind: 'python', file: '/tmp/x.py', args: [] },
  'lab.stop': { runId: 'run-1' },
  'lab.signal': { runId: 'run-1', pid: 1, action: 'kill' },
  'lab.step': { runId: 'run-1', action: 'continue' },
  'lab.setStepMode': { runId: 'run-1', on: true },
  'lab.input': { runId: 'run-1', text: 'x\n' },
  'lab.runs': {},
  'lab.events': { runId: 'run-1' },
  'recording.save': { runId: 'run-1' },
  'recording.open': { path: '/tmp/x.procscope' },
  'recording.list': {},
  'lessons.list': {},
  'lessons.run': { lessonId: 'join' },
  'share.interfaces': {},
  'share.start': { address: '127.0.0.1' },
  'share.stop': {},
  'share.status': {},
  'share.setSystemShared': { shared: true },
  'share.publish': { view: 'lab', lessonId: null, variationId: null, runId: null },
  'share.stage': {},
};

const names = Object.keys(methods) as MethodName[];

let backend: Backend;
let teacherServer: WebServer;
let teacher: SocketClient;
let dataDir: string;
const staticDir = mkdtempSync(join(tmpdir(), 'procscope-share-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'procscope-share-'));
  backend = createBackend({
    version: 'test',
    ...checkoutResources(root),
    dataDir,
    openViewerListener: (listener) => startViewerServer({ ...listener, staticDir }),
  });
  teacherServer = await startWebServer({ backend, staticDir });
  teacher = await connectTo(teacherServer.url);
});
afterAll(async () => {
  teacher?.close();
  await teacherServer?.close();
  await backend?.dispose();
});

async function startShare(systemShared = false): Promise<ShareStatus> {
  return value<ShareStatus>(teacher.call('share.start', { address: '127.0.0.1', systemShared }));
}

/** Everything a viewer could change, as the teacher sees it. */
async function teacherState(): Promise<string> {
  const runs = await value<RunSummary[]>(teacher.call('lab.runs', {}));
  const snapshot = await value<{ intervalMs: number; paused: boolean }>(
    teacher.call('system.snapshot', {}),
  );
  const status = await value<ShareStatus>(teacher.call('share.status', {}));
  const stage = await value(teacher.call('share.stage', {}));
  const files = (dir: string) => {
    try {
      return readdirSync(dir, { recursive: true }).map(String).sort();
    } catch {
      return [];
    }
  };
  const settings = (() => {
    try {
      return readFileSync(join(dataDir, 'settings.json'), 'utf8');
    } catch {
      return null;
    }
  })();
  return JSON.stringify({
    runs: runs.map((run) => [run.id, run.state, run.stepMode]),
    interval: snapshot.intervalMs,
    paused: snapshot.paused,
    share: { ...status, viewers: undefined },
    stage,
    settings,
    data: files(dataDir),
  });
}

/** Calls every method from `viewer`; returns the ones it was allowed to call. */
async function allowedFor(viewer: SocketClient): Promise<MethodName[]> {
  const allowed: MethodName[] = [];
  for (const name of names) {
    const reply = await viewer.call(name, SAMPLE[name]);
    if (reply.ok || reply.error.code !== 'forbidden') allowed.push(name);
  }
  return allowed.sort();
}

describe('a class-share viewer', () => {
  it('has a mark on every method of the contract', () => {
    for (const name of names) expect(VIEWER_ACCESS).toContain(methods[name].viewer);
  });

  it('may call the read-only set and nothing else, and changes nothing by trying', async () => {
    const status = await startShare();
    const viewer = await connectTo(status.url ?? '');
    try {
      expect(await value(viewer.call('app.hello', {}))).toMatchObject({ role: 'viewer' });
      const before = await teacherState();
      expect(await allowedFor(viewer)).toEqual([...VIEWER_READ_ONLY].sort());
      expect(await teacherState()).toBe(before);

      const refused = await viewer.call('lab.start', SAMPLE['lab.start']);
      expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      // Refused before the params are read: a malformed call to a teacher method learns nothing.
      expect(await viewer.call('lab.stop', { nonsense: true } as never)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });

      await value(teacher.call('share.setSystemShared', { shared: true }));
      expect(await allowedFor(viewer)).toEqual([...VIEWER_READ_ONLY, ...VIEWER_WITH_SYSTEM].sort());
      await value(teacher.call('share.setSystemShared', { shared: false }));
    } finally {
      viewer.close();
      await value(teacher.call('share.stop', {}));
    }
  });

  it('is never sent the teacher’s events or a path beyond a file name', async () => {
    const secret = mkdtempSync(join(tmpdir(), 'procscope-secret-'));
    const deep = join(secret, 'course', 'week-3');
    mkdirSync(deep, { recursive: true });
    const script = join(deep, 'share_demo.py');
    writeFileSync(
      script,
      'import os\nprint("hi from", os.path.abspath(__file__))\nraise ValueError("on purpose")\n',
    );
    const status = await startShare();
    const viewer = await connectTo(status.url ?? '');
    try {
      const run = await value<RunSummary>(
        teacher.call('lab.start', { kind: 'python', file: script, args: [], cwd: deep }),
      );
      await expect
        .poll(async () => (await value<RunSummary[]>(viewer.call('lab.runs', {})))[0]?.state, {
          timeout: 20_000,
        })
        .toBe('exited');
      await value(teacher.call('recording.save', { runId: run.id }));

      const shown = JSON.stringify([
        await value(viewer.call('lab.runs', {})),
        await value(viewer.call('lab.events', { runId: run.id })),
        await value(viewer.call('recording.list', {})),
        viewer.events,
      ]);
      // The teacher's own view has the paths (the oracle that there was something to hide)…
      const teacherSees = JSON.stringify(
        await value(teacher.call('lab.events', { runId: run.id })),
      );
      expect(teacherSees).toContain(secret);
      // …the viewer's has the script's name and the output, without any directory of the path.
      expect(shown).toContain('share_demo.py');
      expect(shown).toContain('hi from share_demo.py');
      expect(shown).toContain('File \\"share_demo.py\\", line 3');
      for (const part of [secret, 'week-3', dataDir, 'recordings/'])
        expect(shown).not.toContain(part);
      expect(viewer.events.some((event) => event.name === 'lab.events')).toBe(true);
      expect(viewer.events.some((event) => event.name === 'share.status')).toBe(false);
      expect(viewer.events.some((event) => event.name === 'system.tick')).toBe(false);
      expect(shown).not.toContain(teacherServer.token);
    } finally {
      viewer.close();
      await value(teacher.call('share.stop', {}));
    }
  });

  it('holds a token that opens only the share, and a new share a new one', async () => {
    const first = await startShare();
    const firstToken = new URL(first.url ?? '').searchParams.get('token') ?? '';
    expect(firstToken).not.toBe(teacherServer.token);

    // The viewer token on the teacher's listener is a wrong token there.
    const onTeacherPort = await connectTo(`${teacherServer.url.split('?')[0]}?token=${firstToken}`);
    expect((await onTeacherPort.closed).code).toBe(CLOSE_CODES.unauthorized);
    // The teacher's token on the share's listener opens nothing either.
    const teacherTokenOnShare = await connectTo(
      `${first.url?.split('?')[0]}?token=${teacherServer.token}`,
    );
    expect((await teacherTokenOnShare.closed).code).toBe(CLOSE_CODES.unauthorized);
    // A page of another site cannot open the share's socket.
    await expect(connectTo(first.url ?? '', 'http://evil.example')).rejects.toThrow('HTTP 403');

    const viewers = await Promise.all([connectTo(first.url ?? ''), connectTo(first.url ?? '')]);
    await expect
      .poll(async () => (await value<ShareStatus>(teacher.call('share.status', {}))).viewers)
      .toBe(2);
    const stopped = await value<ShareStatus>(teacher.call('share.stop', {}));
    expect(stopped).toMatchObject({ active: false, url: null, viewers: 0 });
    for (const viewer of viewers) expect((await viewer.closed).code).toBe(SHARE_ENDED_CLOSE_CODE);

    const second = await startShare();
    expect(new URL(second.url ?? '').searchParams.get('token')).not.toBe(firstToken);
    const stale = await connectTo(`${second.url?.split('?')[0]}?token=${firstToken}`);
    expect((await stale.closed).code).toBe(CLOSE_CODES.unauthorized);
    await value(teacher.call('share.stop', {}));
  });

  it('follows where the teacher is, and is told when the System view is shared', async () => {
    const status = await startShare();
    const viewer = await connectTo(status.url ?? '');
    try {
      const navigation = {
        view: 'lessons' as const,
        lessonId: 'join',
        variationId: 'no-join',
        runId: null,
      };
      await value(teacher.call('share.publish', navigation));
      await expect
        .poll(() => viewer.events.find((event) => event.name === 'share.stage')?.payload)
        .toEqual({ navigation, systemShared: false });
      expect(await value(viewer.call('share.stage', {}))).toEqual({
        navigation,
        systemShared: false,
      });
      await value(teacher.call('share.setSystemShared', { shared: true }));
      await expect
        .poll(() => viewer.events.filter((event) => event.name === 'system.tick').length, {
          timeout: 5000,
        })
        .toBeGreaterThan(0);
      expect(viewer.events.some((event) => event.name === 'share.resync')).toBe(true);
      await value(teacher.call('share.setSystemShared', { shared: false }));
    } finally {
      viewer.close();
      await value(teacher.call('share.stop', {}));
    }
  });

  it('is offered only the machine’s own interfaces, with a clear refusal for another', async () => {
    const choices = await value<Array<{ address: string; internal: boolean }>>(
      teacher.call('share.interfaces', {}),
    );
    expect(choices.map((choice) => choice.address)).toContain('127.0.0.1');
    expect(choices.at(-1)?.internal).toBe(true);
    const refused = await teacher.call('share.start', { address: '203.0.113.9' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-params' } });
  });
});
