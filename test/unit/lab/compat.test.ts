// Other interpreters than the default one, where this machine has them (pyenv's layout, or
// PROCSCOPE_TEST_PYTHONS="/path/to/python3.8 ..."): the oldest supported, the newest, too old.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabSupervisor } from '../../../src-main/core/lab/supervisor';
import { fixture, ofKind, onlyOne, runToEnd } from './helpers/lab';
import { interpreter } from './helpers/pythons';

function fakeOldPython(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'procscope-old-python-')), 'python3');
  writeFileSync(file, '#!/bin/sh\necho /opt/old/bin/python3\necho 3.6.15\n', { mode: 0o755 });
  return file;
}

const supervisor = new LabSupervisor();
afterAll(() => supervisor.dispose());

describe('interpreters', () => {
  for (const minor of ['3.8', '3.13']) {
    const python = interpreter(minor);
    it.runIf(python)(`Python ${minor} traces the lessons`, async () => {
      const failing = await runToEnd(supervisor, { file: fixture('target_exception.py'), python });
      expect(failing.summary.python?.version).toMatch(
        new RegExp(`^${minor.replace('.', '\\.')}\\.`),
      );
      expect(onlyOne(failing.events, 'mp.exception').type).toBe('NameError');
      const mixed = await runToEnd(supervisor, {
        file: fixture('pipe_threads_executor.py'),
        python,
      });
      expect(mixed.summary.exitCode).toBe(0);
      expect(ofKind(mixed.events, 'ipc.recv').every((e) => e.msg !== null)).toBe(true);
      expect(ofKind(mixed.events, 'task.finished')).toHaveLength(4);
      expect(ofKind(mixed.events, 'tracer.error')).toEqual([]);
    });
  }

  // A real old interpreter where there is one; else a stand-in that answers the version probe as
  // Python 3.6 would, so the refusal is checked on every machine.
  const old = interpreter('3.6') ?? interpreter('2.7') ?? fakeOldPython();
  it('refuses an interpreter older than 3.8, naming its version', async () => {
    await expect(
      supervisor.start({ kind: 'python', file: fixture('step.py'), python: old }),
    ).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(
        /^Python 3\.8\+ is required, but .* is Python [23]\.\d+\.\d+\./,
      ),
    });
  });
});
