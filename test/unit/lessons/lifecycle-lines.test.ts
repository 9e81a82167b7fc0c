import { describe, expect, it } from 'vitest';
import type { LifecycleCall } from '../../../src-main/common/lessons';
import { codeOnly, findLifecycleLines } from '../../../src-main/core/lessons/lifecycle-lines';

function calls(source: string): Array<[number, LifecycleCall]> {
  return findLifecycleLines('x.py', source).map(({ line, call }) => [line, call]);
}

describe('findLifecycleLines', () => {
  it('finds each kind of call, by line', () => {
    const source = [
      'p = Process(target=work)',
      't = threading.Thread(target=work)',
      'p.start()',
      'while p.is_alive():',
      '    p.join(timeout=1)',
      'p.terminate()',
      'p.kill()',
      'q.put(1); c.send(2)',
      'q.get()',
      'pool = Pool(processes=2)',
      'with ProcessPoolExecutor() as ex:',
      '    ex.map(f, items)',
    ].join('\n');
    expect(calls(source)).toEqual([
      [1, 'create'],
      [2, 'create'],
      [3, 'start'],
      [4, 'is_alive'],
      [5, 'join'],
      [6, 'terminate'],
      [7, 'kill'],
      [8, 'send'],
      [9, 'receive'],
      [10, 'pool'],
      [11, 'pool'],
      [12, 'map'],
    ]);
  });

  it('ignores comments, docstrings and string text, but not f-string expressions', () => {
    const source = [
      '"""Call start() and then join().',
      'Process(target=f) makes an object."""',
      '# p.start() would start it',
      'print("p.kill() is forceful")',
      'print(f"alive: {p.is_alive()} and {{p.kill()}}")',
      "print(', '.join(words))",
      "x = 'it''s' ; p.start()  # two literals, then a call",
    ].join('\n');
    expect(calls(source)).toEqual([
      [5, 'is_alive'],
      [7, 'start'],
    ]);
  });

  it('keeps the line structure, so line numbers match the file', () => {
    const source = 'a = """one\ntwo"""\n# three\nb = 1\r\nc = 2';
    expect(codeOnly(source).split('\n')).toHaveLength(source.split('\n').length);
    expect(calls('"""doc\nstring"""\n\np.start()')).toEqual([[4, 'start']]);
  });
});
