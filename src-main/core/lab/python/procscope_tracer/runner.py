"""Runs the user's script the way `python script.py` would, and says how it went.

Why not runpy.run_path: it runs the script in a temporary __main__ and puts the runner's module
back afterwards, so code that runs after the main module (non-daemon threads, atexit handlers,
multiprocessing's joins at exit) would see our module as __main__, and a spawn child started
then would re-import the wrong file. Here the script's module becomes __main__ for good, with
__spec__ None and __file__ set, exactly what multiprocessing's spawn reads to re-import it in a
child as __mp_main__ (so functions defined in the script can be pickled by reference).
"""

import io
import os
import sys
import types

from . import frames, link


def main(argv):
    if not argv:
        sys.stderr.write('usage: python -m procscope_tracer script.py [args...]\n')
        return 2
    import procscope_tracer
    procscope_tracer.start()

    path = os.path.abspath(argv[0])
    sys.argv = list(argv)
    sys.path[0] = os.path.dirname(path)

    try:
        with io.open_code(path) as source_file:
            source = source_file.read()
    except OSError as exc:
        message = "can't open file %r: [Errno %s] %s" % (path, exc.errno, exc.strerror)
        _script_error('open', exc, message, None)
        sys.stderr.write('%s: %s\n' % (os.path.basename(sys.executable or 'python'), message))
        return 2

    try:
        code = compile(source, path, 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        at = {'file': path, 'line': exc.lineno or 0} if isinstance(exc, SyntaxError) else None
        _script_error('compile', exc, frames.safe_str(exc), at)
        # Like Python itself: the file, line and caret of the error, no traceback of ours.
        sys.excepthook(type(exc), exc.with_traceback(None), None)
        return 1

    module = _new_main(path)
    try:
        exec(code, module.__dict__)
    except SystemExit:
        _script_end()
        raise
    except KeyboardInterrupt:
        # Let Python report it and exit "killed by SIGINT", as it would without us.
        _script_end()
        raise
    except BaseException as exc:
        _script_error('run', exc, frames.safe_str(exc), _innermost_user_line(exc))
        _script_end()
        # Python 3.11+ prints exc.__traceback__ whatever tb is passed: trim it on the exception.
        trimmed = frames.from_first_user_frame(exc.__traceback__)
        sys.excepthook(type(exc), exc.with_traceback(trimmed), trimmed)
        return 1
    _script_end()
    return 0


def _new_main(path):
    import builtins
    import importlib.machinery
    module = types.ModuleType('__main__')
    module.__file__ = path
    module.__cached__ = None
    module.__loader__ = importlib.machinery.SourceFileLoader('__main__', path)
    module.__spec__ = None
    module.__builtins__ = builtins
    sys.modules['__main__'] = module
    return module


def _script_end():
    link.guarded('script.end', link.emit, 'script.end', {})
    link.flush()


def _script_error(phase, exc, message, at):
    def report():
        fields = frames.describe_exception(exc) if phase == 'run' else {
            'type': type(exc).__name__, 'message': message, 'traceback': ''}
        fields.update(phase=phase, message=message, at=at)
        link.emit('script.error', fields)
    link.guarded('script.error', report)


def _innermost_user_line(exc):
    tb = exc.__traceback__
    at = None
    while tb is not None:
        if not frames.is_library(tb.tb_frame):
            at = {'file': tb.tb_frame.f_code.co_filename, 'line': tb.tb_lineno}
        tb = tb.tb_next
    return at
