import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../src-main/common/lab';
import { redact, redactEvents, redactText } from '../../../src-main/core/share/redact';

describe('what a viewer is shown of a path', () => {
  it.each([
    ['/home/ana/course/06_join.py', '06_join.py'],
    ['/home/ana/My Course/x.py', 'x.py'],
    ['python3 /home/ana/course/x.py --no-join', 'python3 x.py --no-join'],
    [
      '  File "/home/ana/My Course/06_join.py", line 12, in <module>',
      '  File "06_join.py", line 12, in <module>',
    ],
    ['File "C:\\Users\\Ana\\course\\06_join.py", line 3', 'File "06_join.py", line 3'],
    ['cwd=/tmp/lesson-dir/', 'cwd=lesson-dir'],
    ['~/secret/notes.py', 'notes.py'],
    ["args ('/etc/passwd',)", "args ('passwd',)"],
  ])('%s → %s', (given, shown) => {
    expect(redactText(given)).toBe(shown);
  });

  it.each([
    '06_join.py',
    '12/05/2024',
    '10 MB/s',
    'and/or',
    'see http://example.org/a/b',
    'x = a / b',
  ])('leaves %s alone', (text) => {
    expect(redactText(text)).toBe(text);
  });

  it('reaches every string of a nested payload, and leaves the original untouched', () => {
    const summary = {
      command: ['/usr/bin/python3', '/home/ana/a.py'],
      cwd: '/home/ana',
      python: { path: '/opt/py/bin/python3.11', version: '3.11.7' },
      exitCode: 0,
      error: null,
    };
    expect(redact(summary)).toEqual({
      command: ['python3', 'a.py'],
      cwd: '',
      python: { path: 'python3.11', version: '3.11.7' },
      exitCode: 0,
      error: null,
    });
    expect(summary.cwd).toBe('/home/ana');
  });

  it('redacts each logged event once and hands every viewer the same copy', () => {
    const event = {
      seq: 1,
      t: 0,
      kind: 'run.started',
      command: ['/home/ana/a.py'],
      cwd: '/home/ana',
      stepMode: false,
    } as LabEvent;
    const [first] = redactEvents([event]);
    const [second] = redactEvents([event]);
    expect(first).toMatchObject({ command: ['a.py'], cwd: '' });
    expect(second).toBe(first);
  });
});
