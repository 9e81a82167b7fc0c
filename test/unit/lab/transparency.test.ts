// A traced program behaves exactly as it does plainly: what it prints on stdout and stderr, its
// exit status and the files it writes are compared byte for byte with a plain run of the same
// command from the same folder, on the oldest supported, the default and the newest Python.

import { describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../src-main/common/lab';
import { ofKind } from './helpers/lab';
import { testedPythons } from './helpers/pythons';
import { observable, runBoth, type Program } from './helpers/transparency';

const pythons = testedPythons();

/** Runs `program` both ways and insists they are indistinguishable; returns the traced run. */
async function same(name: string, program: Program, python: string) {
  const { plain, traced } = await runBoth(name, program, python);
  expect(observable(traced)).toEqual(observable(plain));
  expect(ofKind(traced.events, 'tracer.error')).toEqual([]);
  return traced;
}

function attached(events: LabEvent[]) {
  return ofKind(events, 'tracer.attached');
}

const CHILD_AND_JOIN = `
import multiprocessing as mp

def work():
    print('child ran')

if __name__ == '__main__':
    p = mp.Process(target=work)
    p.start()
    p.join()
    print('exitcode', p.exitcode)
`;

describe.each(pythons)('Python $minor', ({ minor, python }) => {
  const key = (name: string) => `${name}-${minor}`;

  it('subprocess output is captured by its parent, not taken over by the tracer (1)', async () => {
    const traced = await same(
      key('subprocess'),
      {
        files: {
          'main.py': `
import subprocess, sys
print('first, from the parent')
subprocess.run([sys.executable, '-c', 'print("inherited stdout")'])
out = subprocess.check_output([sys.executable, '-c', 'print(1)'])
print('check_output', repr(out))
both = subprocess.run([sys.executable, '-c', 'import sys; print("o"); print("e", file=sys.stderr)'],
                      capture_output=True)
print('capture_output', repr(both.stdout), repr(both.stderr))
subprocess.run([sys.executable, '-c', 'print("into the void")'], stdout=subprocess.DEVNULL)
with open('child.txt', 'w') as f:
    subprocess.run([sys.executable, '-c', 'print("into a file")'], stdout=f)
print('file', repr(open('child.txt').read()))
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
    // Each Python child is a traced process of the run, under its parent.
    const root = traced.summary.rootPid;
    const children = attached(traced.events).filter((e) => e.ppid === root);
    expect(children).toHaveLength(5);
    expect(children.every((e) => e.role === 'spawned')).toBe(true);
  });

  it('a forked child keeps the fd-level redirection it inherited (2)', async () => {
    await same(
      key('dup2'),
      {
        files: {
          'main.py': `
import multiprocessing as mp, os, sys

def child():
    print('child, into the log')
    sys.stdout.flush()

if __name__ == '__main__':
    mp.set_start_method('fork')
    saved = os.dup(1)
    log = os.open('child.log', os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    sys.stdout.flush()
    os.dup2(log, 1)
    p = mp.Process(target=child)
    p.start()
    p.join()
    pid = os.fork()
    if pid == 0:
        print('forked by hand, into the log')
        sys.stdout.flush()
        os._exit(0)
    os.waitpid(pid, 0)
    sys.stdout.flush()
    os.dup2(saved, 1)
    print('log:', repr(open('child.log').read()))
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });

  it("the Queue feeder's error hook receives the user's object (3)", async () => {
    await same(
      key('feeder'),
      {
        files: {
          'main.py': `
import multiprocessing as mp, multiprocessing.queues

class Q(multiprocessing.queues.Queue):
    @staticmethod
    def _on_queue_feeder_error(e, obj):
        print('feeder error:', type(e).__name__, 'for a', type(obj).__name__, obj())

if __name__ == '__main__':
    q = Q(ctx=mp.get_context())
    q.put(lambda: 'lambda')
    q.close()
    q.join_thread()
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });

  it('submit() keeps its positional-only signature (4)', async () => {
    await same(
      key('submit'),
      {
        files: {
          'main.py': `
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp

def f(*args, **kwargs):
    return args, sorted(kwargs.items())

if __name__ == '__main__':
    with ProcessPoolExecutor(1) as ex:
        print(ex.submit(f, 1, self=2, fn=3).result())
    with mp.Pool(1) as pool:
        print(pool.apply_async(f, (1,), {'self': 2, 'func': 3}).get())
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });

  it('os._exit(status=…) and sys.exit(True) in a child work as plainly (5)', async () => {
    const traced = await same(
      key('exits'),
      {
        files: {
          'main.py': `
import multiprocessing as mp, os, sys

def child():
    sys.exit(True)

if __name__ == '__main__':
    p = mp.Process(target=child)
    p.start()
    p.join()
    print('exitcode', p.exitcode)
    sys.stdout.flush()
    os._exit(status=4)
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
    expect(ofKind(traced.events, 'mp.exit').map((e) => e.exitCode)).toEqual([1]);
  });

  it('a Python that a traced process becomes through os.exec* is traced too', async () => {
    const traced = await same(
      key('exec'),
      {
        files: {
          'main.py': `
import os, sys
print('before exec', flush=True)
os.execv(sys.executable, [sys.executable, '-c', 'import sys; print("after exec", sys.argv)'])
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
    // One process, two interpreters in turn, each with its own connection.
    const root = traced.summary.rootPid;
    expect(attached(traced.events).map((e) => [e.pid, e.argv])).toEqual([
      [root, ['main.py']],
      [root, ['-c']],
    ]);
  });

  it('remote and local tracebacks show no tracer frames (6)', async () => {
    await same(
      key('tracebacks'),
      {
        files: {
          'main.py': `
import multiprocessing as mp, queue
from concurrent.futures import ProcessPoolExecutor

def boom(x):
    raise ValueError('bad %d' % x)

if __name__ == '__main__':
    with mp.Pool(1) as pool:
        try:
            pool.map(boom, [1])
        except ValueError as e:
            print(e.__cause__)
    with ProcessPoolExecutor(1) as ex:
        try:
            ex.submit(boom, 2).result()
        except ValueError as e:
            print(e.__cause__)
    q = mp.Queue()
    try:
        q.get(timeout=0.01)
    except queue.Empty:
        import traceback
        traceback.print_exc()
    p = mp.Process(target=print)
    p.start()
    p.join()
    p.start()
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });

  it('stdin reaches the program (7)', async () => {
    await same(
      key('stdin'),
      {
        files: {
          'main.py': `
import sys
name = input('name? ')
print('hello', name)
print('rest', repr(sys.stdin.read()))
try:
    input()
except EOFError:
    print('EOF')
`,
        },
        argv: ['{python}', 'main.py'],
        stdin: 'Ada\nsecond line\n',
      },
      python,
    );
  });

  it('stdin, stdout and stderr are pipes, as in a shell pipeline', async () => {
    await same(
      key('pipes'),
      {
        files: {
          'main.py': `
import os, stat
kinds = [stat.S_ISFIFO(os.fstat(fd).st_mode) for fd in (0, 1, 2)]
with open('/dev/stdout', 'w') as out:
    out.write('pipes: %r\\n' % kinds)
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });

  it("a symlinked script imports its real folder's siblings (8)", async () => {
    await same(
      key('symlink'),
      {
        files: {
          'real/main.py': 'import sys, helper\nprint(helper.X, sys.path[0].endswith("real"))\n',
          'real/helper.py': 'X = 42\n',
          'link/main.py': { symlink: '../real/main.py' },
        },
        argv: ['{python}', 'link/main.py'],
      },
      python,
    );
  });

  describe('however Python is started (9)', () => {
    const cases: Array<[string, Program]> = [
      [
        '-m module',
        {
          files: {
            'lesson.py': `import sys\nprint(__name__, sys.argv[1:])\n${CHILD_AND_JOIN}`,
          },
          argv: ['{python}', '-m', 'lesson', 'a', 'b'],
        },
      ],
      [
        '-c code',
        {
          files: {},
          argv: [
            '{python}',
            '-c',
            'import sys, multiprocessing as mp\nif __name__ == "__main__":\n  p = mp.Process(target=print, args=(sys.argv,)); p.start(); p.join(); print(p.exitcode)',
            'x',
          ],
        },
      ],
      [
        'options before the script',
        {
          files: {
            'main.py': `import sys, warnings
print(sys.flags.dev_mode, sys.flags.optimize, sys.warnoptions, __debug__)
try:
    warnings.warn('careful', DeprecationWarning)
except DeprecationWarning as w:
    print('raised', w)
${CHILD_AND_JOIN}`,
          },
          argv: ['{python}', '-u', '-X', 'dev', '-O', '-W', 'error::DeprecationWarning', 'main.py'],
        },
      ],
      [
        'a folder with __main__.py',
        {
          files: { 'app/__main__.py': `import sys\nprint(sys.argv[0])\n${CHILD_AND_JOIN}` },
          argv: ['{python}', 'app'],
        },
      ],
      [
        'a zipapp',
        {
          files: { 'app/__main__.py': `import sys\nprint(sys.argv[0])\n${CHILD_AND_JOIN}` },
          setup: [['{python}', '-m', 'zipapp', 'app', '-o', 'app.pyz']],
          argv: ['{python}', 'app.pyz'],
        },
      ],
      [
        'a .pyc',
        {
          files: { 'prog.py': CHILD_AND_JOIN },
          setup: [
            [
              '{python}',
              '-c',
              'import py_compile; py_compile.compile("prog.py", cfile="prog.pyc")',
            ],
          ],
          argv: ['{python}', 'prog.pyc'],
        },
      ],
      [
        'through env',
        { files: { 'main.py': CHILD_AND_JOIN }, argv: ['env', '{python}', 'main.py'] },
      ],
      [
        'through a shell',
        {
          files: { 'main.py': CHILD_AND_JOIN },
          argv: ['bash', '-c', '{python} main.py; echo "shell: $?"'],
        },
      ],
    ];
    it.each(cases)('%s', async (label, program) => {
      const traced = await same(key(label.replace(/\W+/g, '-')), program, python);
      // Traced, not merely observed: the interpreter and its child both reported.
      expect(attached(traced.events).length).toBeGreaterThanOrEqual(2);
      expect(ofKind(traced.events, 'mp.started')).toHaveLength(1);
      expect(ofKind(traced.events, 'mp.exit').map((e) => e.exitCode)).toEqual([0]);
    });
  });

  it('an uncaught exception, an exit code, stderr: all as plainly', async () => {
    await same(
      key('uncaught'),
      {
        files: {
          'main.py': `
import sys
print('to stderr', file=sys.stderr)
def inner():
    raise KeyError('missing')
try:
    inner()
finally:
    print('finally ran')
`,
        },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
    await same(
      key('exit-code'),
      {
        files: { 'main.py': 'import sys\nprint("bye")\nsys.exit(3)\n' },
        argv: ['{python}', 'main.py'],
      },
      python,
    );
  });
});

describe('any program', () => {
  it('gets the signal dispositions a shell gives it: `yes | head -1` ends yes by SIGPIPE', async () => {
    const python = pythons[0]?.python ?? 'python3';
    await same(
      'sigpipe',
      { files: {}, argv: ['bash', '-c', 'yes | head -1; echo "${PIPESTATUS[@]}"'] },
      python,
    );
  });
});

describe('a program that cannot be started', () => {
  it('exits 127 like a shell, with one line', async () => {
    const python = pythons[0]?.python ?? 'python3';
    const { plain, traced } = await runBoth(
      'missing',
      { files: {}, argv: ['no-such-program-procscope', 'x'] },
      python,
    );
    expect(plain.status).toBe(127);
    expect(traced.status).toBe(127);
    expect(traced.stdout).toBe('');
    expect(traced.stderr).toBe('procscope: no-such-program-procscope: command not found\n');
  });
});
