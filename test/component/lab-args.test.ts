import { describe, expect, it } from 'vitest';
import {
  buildStartRequest,
  emptyDraft,
  folderOf,
  parseEnv,
  splitArgs,
  unquotePath,
} from '../../src-renderer/src/lib/lab-form';

const words = (line: string) => {
  const result = splitArgs(line);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe('splitArgs', () => {
  it('splits on any run of whitespace', () => {
    expect(words('')).toEqual([]);
    expect(words('   ')).toEqual([]);
    expect(words('--join  -n 3\t--fast')).toEqual(['--join', '-n', '3', '--fast']);
  });

  it('keeps quoted text together, and joins quotes to the word they touch', () => {
    expect(words(`"two words" 'it''s' --name="Ada Lovelace"`)).toEqual([
      'two words',
      'its',
      '--name=Ada Lovelace',
    ]);
    expect(words(`'say "hi"' "it's"`)).toEqual(['say "hi"', "it's"]);
  });

  it('keeps an empty quoted argument', () => {
    expect(words(`a "" b ''`)).toEqual(['a', '', 'b', '']);
  });

  it('lets a backslash escape a quote or a space, and leaves Windows paths alone', () => {
    expect(words(String.raw`a\ b \"q\" "in \"quotes\""`)).toEqual(['a b', '"q"', 'in "quotes"']);
    expect(words(String.raw`C:\data\in.txt \\server\share`)).toEqual([
      String.raw`C:\data\in.txt`,
      String.raw`\\server\share`,
    ]);
  });

  it('refuses an unclosed quote with a reason', () => {
    expect(splitArgs(`--name "Ada`)).toEqual({ ok: false, error: 'A " quote is not closed.' });
    expect(splitArgs(`it's`)).toEqual({ ok: false, error: "A ' quote is not closed." });
  });
});

describe('parseEnv', () => {
  it('reads NAME=value lines, -NAME removals, and skips blanks and comments', () => {
    expect(
      parseEnv('PYTHONUNBUFFERED=1\n\n# a comment\n  GREETING=a=b c  \n-HTTP_PROXY\nEMPTY='),
    ).toEqual({
      ok: true,
      value: { PYTHONUNBUFFERED: '1', GREETING: 'a=b c', HTTP_PROXY: null, EMPTY: '' },
    });
  });

  it('names the line it cannot read', () => {
    expect(parseEnv('A=1\njust words')).toEqual({
      ok: false,
      error: 'Line 2: write NAME=value, or -NAME to remove a variable.',
    });
    expect(parseEnv('=1').ok).toBe(false);
    expect(parseEnv('-A=1').ok).toBe(false);
  });
});

describe('paths', () => {
  it('finds the folder of an absolute path on any system', () => {
    expect(folderOf('/home/me/lesson.py')).toBe('/home/me');
    expect(folderOf('/lesson.py')).toBe('/');
    expect(folderOf('C:\\Users\\me\\lesson.py')).toBe('C:\\Users\\me');
    expect(folderOf('C:\\lesson.py')).toBe('C:\\');
    expect(folderOf('lesson.py')).toBeNull();
    expect(folderOf('lessons/lesson.py')).toBeNull();
  });

  it('drops the quotes "Copy as path" puts around a path', () => {
    expect(unquotePath('  "C:\\My Files\\a.py" ')).toBe('C:\\My Files\\a.py');
    expect(unquotePath("'/tmp/a.py'")).toBe('/tmp/a.py');
    expect(unquotePath('"')).toBe('"');
  });
});

describe('buildStartRequest', () => {
  it('builds the request the backend expects, with the script folder as working directory', () => {
    const built = buildStartRequest({
      ...emptyDraft(),
      file: '/home/me/lesson.py',
      args: '--join "two words"',
      env: 'PYTHONUNBUFFERED=1',
      stepMode: true,
    });
    expect(built).toEqual({
      ok: true,
      request: {
        kind: 'python',
        file: '/home/me/lesson.py',
        args: ['--join', 'two words'],
        cwd: '/home/me',
        env: { PYTHONUNBUFFERED: '1' },
        stepMode: true,
      },
    });
  });

  it('sends a chosen working folder, and no cwd or env when there is nothing to send', () => {
    expect(buildStartRequest({ ...emptyDraft(), kind: 'exec', file: 'sleep', args: '5' })).toEqual({
      ok: true,
      request: { kind: 'exec', file: 'sleep', args: ['5'], stepMode: false },
    });
    const built = buildStartRequest({ ...emptyDraft(), file: '/a/b.py', cwd: '/tmp' });
    expect(built.ok && built.request.cwd).toBe('/tmp');
  });

  it('says which field is wrong', () => {
    expect(buildStartRequest(emptyDraft())).toMatchObject({ ok: false, field: 'file' });
    expect(buildStartRequest({ ...emptyDraft(), file: 'a.py', args: '"' })).toMatchObject({
      ok: false,
      field: 'args',
    });
    expect(buildStartRequest({ ...emptyDraft(), file: 'a.py', env: 'nope' })).toMatchObject({
      ok: false,
      field: 'env',
    });
  });
});
