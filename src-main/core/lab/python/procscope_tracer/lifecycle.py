"""The interpreter's own lifecycle: how the main program ended, exits through os._exit, exec,
and the moments before this process may go quiet (sleep, exit), when buffered events are sent.

The program runs exactly as Python runs it (a script, -m, -c, a folder, a zipapp, a .pyc): the
tracer is loaded by sitecustomize and never sits between Python and the main module. So the end
of the main module is learnt from the interpreter's shutdown, which calls threading._shutdown
first (before non-daemon threads are joined and before atexit, where multiprocessing joins its
children), and how it ended from what Python recorded for the exception it printed.
"""

import os
import sys
import time

from . import frames, link, output
from .link import emit, guarded

# Called with the status given to os._exit, or None at the interpreter's normal exit.
exit_hooks = []
_script_done = False


def install():
    import atexit
    # Registered before anything of the program's: runs after every other atexit handler.
    atexit.register(_at_exit)
    _wrap(time, 'sleep', before=_flush)
    # os.execl, execlp, execvp... all end in one of these two.
    _wrap(os, 'execv', before=_flush)
    _wrap(os, 'execve', before=_flush)
    _wrap(os, '_exit', before=_before_exit)
    _wrap(os, 'dup2', after=output.recheck)
    if sys.version_info < (3, 11):
        # Older Pythons keep a hook's frame in a traceback whatever the hook does: cut the
        # tracer's frames out before Python prints an uncaught exception.
        sys.excepthook = _stripping_excepthook(sys.excepthook)
    if link.role == 'main':
        guarded('script', _check_script_opens)


def install_threading(module):
    original = module._shutdown

    def _shutdown(*args, **kwargs):
        guarded('script.end', _script_finished)
        return original(*args, **kwargs)

    module._shutdown = _shutdown


def _wrap(owner, name, before=None, after=None):
    """owner.name, with before(args, kwargs) and after() around the call, and no frame of ours
    in the traceback of an exception the call raises."""
    import functools
    original = getattr(owner, name, None)
    if original is None:
        return

    def call(*args, **kwargs):
        if before is not None:
            guarded(name, before, args, kwargs)
        try:
            result = original(*args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        if after is not None:
            guarded(name, after)
        return result

    setattr(owner, name, functools.wraps(original)(call))


def _flush(args, kwargs):
    if link._link is not None and link._link.buf:
        link.flush()


def _before_exit(args, kwargs):
    status = args[0] if len(args) == 1 and not kwargs else kwargs.get('status')
    if isinstance(status, int) and len(args) + len(kwargs) == 1:
        for hook in exit_hooks:
            guarded('os._exit', hook, status)
    link.flush()


def _at_exit():
    guarded('script.end', _script_finished)
    for hook in exit_hooks:
        guarded('exit', hook, None)
    link.flush()


def _script_finished():
    """The main module is done (threading._shutdown, or atexit where threading was never used)."""
    global _script_done
    if _script_done or link.role != 'main':
        return
    _script_done = True
    exc = getattr(sys, 'last_exc', None) or getattr(sys, 'last_value', None)
    if isinstance(exc, SyntaxError) and exc.__traceback__ is None:
        # The main module did not compile: Python printed it, nothing ran.
        at = {'file': exc.filename, 'line': exc.lineno or 0} if exc.filename else None
        emit('script.error', {'phase': 'compile', 'type': type(exc).__name__,
                              'message': frames.safe_str(exc), 'traceback': '', 'at': at})
        return
    if isinstance(exc, BaseException) and not isinstance(exc, (KeyboardInterrupt, SystemExit)):
        fields = frames.describe_exception(exc)
        fields.update(phase='run', at=_innermost_user_line(exc))
        emit('script.error', fields)
    emit('script.end', {})
    link.flush()


def _check_script_opens():
    """A script Python cannot open is reported now: Python will say so and exit with status 2."""
    script = sys.argv[0] if sys.argv else ''
    if script in ('', '-', '-c', '-m') or os.path.isdir(script):
        return
    try:
        open(script, 'rb').close()
    except OSError as exc:
        message = "can't open file %r: [Errno %s] %s" % (os.path.abspath(script), exc.errno,
                                                         exc.strerror)
        emit('script.error', {'phase': 'open', 'type': type(exc).__name__, 'message': message,
                              'traceback': '', 'at': None})


def _innermost_user_line(exc):
    tb = exc.__traceback__
    at = None
    while tb is not None:
        if not frames.is_library(tb.tb_frame):
            at = {'file': tb.tb_frame.f_code.co_filename, 'line': tb.tb_lineno}
        tb = tb.tb_next
    return at


def _stripping_excepthook(original):
    def excepthook(exc_type, value, tb):
        if isinstance(value, BaseException):
            guarded('excepthook', frames.strip_exception, value)
            tb = value.__traceback__
        return original(exc_type, value, tb)
    return excepthook
