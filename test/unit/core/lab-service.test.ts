import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabService } from '../../../src-main/core/lab-service';
import { checkoutResources } from '../../../src-main/core/resources';
import { SettingsStore } from '../../../src-main/core/settings-store';

const root = join(import.meta.dirname, '..', '..', '..');
const dataDir = mkdtempSync(join(tmpdir(), 'procscope-lab-service-'));
const service = new LabService({ version: 'test', dataDir, ...checkoutResources(root) });
afterAll(() => service.dispose());

describe('SettingsStore', () => {
  it('remembers the interpreter across instances and ignores a damaged file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'procscope-settings-'));
    new SettingsStore(dir).update({ python: '/opt/python3.12/bin/python3' });
    expect(new SettingsStore(dir).get()).toEqual({ python: '/opt/python3.12/bin/python3' });
    writeFileSync(join(dir, 'settings.json'), '{"python": 42');
    expect(new SettingsStore(dir).get()).toEqual({});
  });
});

describe('LabService', () => {
  it('says clearly when the chosen interpreter is unusable, and recovers when it is cleared', async () => {
    const broken = await service.setPython('/nonexistent/python3');
    expect(broken.python).toBeNull();
    expect(broken.configured).toBe('/nonexistent/python3');
    expect(broken.problem).toMatch(/python/i);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toEqual({
      python: '/nonexistent/python3',
    });
    const found = await service.setPython(null);
    expect(found.problem).toBeNull();
    expect(found.python?.version).toMatch(/^3\.\d+/);
  });

  it('saves a run as a recording, lists it, and replays it under a new id', async () => {
    const script = join(dataDir, 'hello.py');
    writeFileSync(script, 'print("hello from the lab")\n');
    const run = await service.start({ kind: 'python', file: script, args: [] });
    await service.supervisor.waitForEnd(run.id);
    const { path } = await service.saveRecording(run.id);
    expect(path.startsWith(join(dataDir, 'recordings'))).toBe(true);
    expect((await service.listRecordings()).map((entry) => entry.path)).toEqual([path]);

    const replay = await service.openRecording(path);
    expect(replay.id).not.toBe(run.id);
    expect(replay.title).toContain('(recording)');
    expect(service.runs().map((summary) => summary.id)).toEqual(
      expect.arrayContaining([run.id, replay.id]),
    );
    const original = service.log(run.id).events;
    const replayed = service.log(replay.id).events;
    expect(replayed).toEqual(original);
    expect(
      replayed.some(
        (event) => event.kind === 'output' && event.text.includes('hello from the lab'),
      ),
    ).toBe(true);
    const lastSeq = replayed.at(-1)?.seq ?? 0;
    expect(service.log(replay.id, lastSeq - 1).events).toHaveLength(1);
  });

  it('lists the built-in lessons and refuses unknown ones by name', async () => {
    expect(service.lessons().length).toBeGreaterThanOrEqual(10);
    expect(() => service.runLesson('no-such-lesson')).toThrow(/no lesson "no-such-lesson"/);
  });

  it("files a lesson's run under its lesson and variation, in the list and in its recording", async () => {
    const run = await service.runLesson('start-twice', 'fresh');
    expect(run.lesson).toEqual({ lessonId: 'start-twice', variation: 'fresh' });
    await service.supervisor.waitForEnd(run.id);
    // A page that reloads finds it again from the list of runs alone.
    expect(service.runs().find((summary) => summary.id === run.id)?.lesson).toEqual(run.lesson);
    const { path } = await service.saveRecording(run.id);
    expect((await service.openRecording(path)).lesson).toEqual(run.lesson);
    // A run started from the Lab's form belongs to no lesson.
    const script = join(dataDir, 'plain.py');
    writeFileSync(script, 'pass\n');
    expect((await service.start({ kind: 'python', file: script })).lesson).toBeUndefined();
  });

  it('refuses to open a file that is not a recording', async () => {
    const junk = join(dataDir, 'junk.procscope');
    writeFileSync(junk, 'not a recording');
    await expect(service.openRecording(junk)).rejects.toThrow();
    await expect(service.openRecording(join(dataDir, 'missing.procscope'))).rejects.toThrow(
      /does not exist/,
    );
  });
});
