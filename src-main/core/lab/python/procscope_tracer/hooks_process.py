"""multiprocessing.Process, seen from the parent (created, started, is_alive, join, terminate,
kill, close, the exit code it observes) and from the child (running, exception, its own exit).

Every hook runs the original exactly once and lets its result or exception through unchanged
(with the hook's own frame taken off the traceback); the reporting around it is guarded so a
tracer bug costs an event, never the user's call.
"""

import os
import sys
import time

from . import frames, lifecycle, link
from .link import emit, guarded, object_id
from .patching import wrap_method

_EXIT_REPORTED = '_procscope_exit_reported'
_ALIVE_SEEN = '_procscope_alive_seen'
_PROCESS_PY = os.path.join('multiprocessing', 'process.py')
# A polling loop (while p.is_alive(): ...) would log thousands of identical answers.
_IS_ALIVE_REPEAT_NS = 100 * 1000 * 1000

# The Process object this interpreter runs as a child, with the pid that runs it (a process the
# target forks by hand inherits the variable, not the role), and the exit code _bootstrap
# returned once run() is over.
_running = (None, None)
_exit_code = None
_BaseProcess = None


def install(module):
    global _BaseProcess
    base = _BaseProcess = module.BaseProcess
    wrap_method(base, '__init__', _init)
    wrap_method(base, 'start', _start)
    wrap_method(base, 'is_alive', _is_alive)
    wrap_method(base, 'join', _join)
    wrap_method(base, 'terminate', _signal('terminate'))
    wrap_method(base, 'kill', _signal('kill'))
    wrap_method(base, 'close', _close)
    wrap_method(base, '_bootstrap', _bootstrap)
    lifecycle.exit_hooks.append(_exiting)


def install_traceback(module):
    original = module.print_exc

    def print_exc(*args, **kwargs):
        if _running_here() is not None and _called_by_bootstrap(sys._getframe(1)):
            guarded('Process.run', _target_failed)
        return original(*args, **kwargs)

    import functools
    module.print_exc = functools.wraps(original)(print_exc)


def _init(original):
    def __init__(self, *args, **kwargs):
        try:
            original(self, *args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Process.__init__', _created, self)
    return __init__


def _created(proc):
    overridden = type(proc).run is not _BaseProcess.run
    target = type(proc) if overridden or proc._target is None else proc._target
    emit('mp.created', {
        'proc': object_id(proc),
        'name': proc.name,
        'target': frames.qualname(target),
        'args': frames.short_repr((proc._args, proc._kwargs) if proc._kwargs else proc._args),
        'at': frames.callsite(),
    })


def _pause(call, proc):
    guarded('pause', link.pause_point, call, object_id(proc))


def _call(call, proc, original, *args):
    """Call the original; a failing call is reported as misuse of the API, then re-raised."""
    try:
        return original(proc, *args)
    except BaseException as exc:
        guarded(call, link.api_error, call, proc, exc)
        frames.drop_own(exc)
        raise


def _start(original):
    def start(self):
        _pause('Process.start', self)
        # Stamped before the child exists: the child's first events come after this moment,
        # so an arrow from start() to the child never points back in time.
        t = link.now()
        try:
            _call('Process.start', self, original)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Process.start', _started, self, t)
    return start


def _started(proc, t):
    emit('mp.started', {
        'proc': object_id(proc),
        'childPid': proc.pid,
        'name': proc.name,
        'daemon': bool(proc.daemon),
        'method': getattr(proc._popen, 'method', '?'),
        'at': frames.callsite(),
    }, t=t)


def _is_alive(original):
    def is_alive(self):
        _pause('Process.is_alive', self)
        try:
            alive = _call('Process.is_alive', self, original)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Process.is_alive', _alive_checked, self, alive)
        return alive
    return is_alive


def _alive_checked(proc, alive):
    now = time.monotonic_ns()
    seen = getattr(proc, _ALIVE_SEEN, None)
    if seen is None or seen[0] != alive or now - seen[1] >= _IS_ALIVE_REPEAT_NS:
        setattr(proc, _ALIVE_SEEN, (alive, now))
        emit('mp.is_alive', {'proc': object_id(proc), 'alive': alive, 'at': frames.callsite()})
    if not alive:
        _observed_exit(proc)


def _join(original):
    def join(self, timeout=None):
        _pause('Process.join', self)
        guarded('Process.join', emit, 'mp.join.call', {
            'proc': object_id(self), 'timeout': timeout, 'at': frames.callsite()})
        try:
            _call('Process.join', self, original, timeout)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Process.join', _joined, self)
    return join


def _joined(proc):
    code = _returncode(proc)
    emit('mp.join.return', {'proc': object_id(proc), 'ended': code is not None, 'exitCode': code})
    _observed_exit(proc)


def _signal(name):
    call = 'Process.' + name

    def make(original):
        def send(self):
            _pause(call, self)
            guarded(call, emit, 'mp.' + name, {
                'proc': object_id(self), 'childPid': _child_pid(self), 'at': frames.callsite()})
            try:
                _call(call, self, original)
            except BaseException as exc:
                frames.drop_own(exc)
                raise
        return send
    return make


def _close(original):
    def close(self):
        _pause('Process.close', self)
        try:
            _call('Process.close', self, original)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Process.close', emit, 'mp.close', {
            'proc': object_id(self), 'at': frames.callsite()})
    return close


def _returncode(proc):
    return getattr(proc._popen, 'returncode', None)


def _child_pid(proc):
    # Not proc.pid: that raises on a closed object, and this runs before the user's call does.
    return getattr(proc._popen, 'pid', None)


def _observed_exit(proc):
    """The parent learnt the exit status (join, is_alive). A child that ends normally reports its
    own exit code; one killed by a signal cannot, so the parent reports that, once."""
    code = _returncode(proc)
    if code is None or code >= 0 or getattr(proc, _EXIT_REPORTED, False):
        return
    setattr(proc, _EXIT_REPORTED, True)
    emit('mp.exit', {
        'proc': object_id(proc), 'childPid': _child_pid(proc), 'exitCode': code, 'by': 'parent'})


# -- in the child ------------------------------------------------------------------------------

def _bootstrap(original):
    def _bootstrap(self, *args, **kwargs):
        global _exit_code
        guarded('Process._bootstrap', _child_running, self)
        code = original(self, *args, **kwargs)
        # Reported when the process really exits (os._exit after a fork, the end of the
        # interpreter after a spawn): a terminate() that lands in between must not leave a
        # child that said "0" and a parent that saw -15.
        _exit_code = code
        return code
    return _bootstrap


def _running_here():
    pid, proc = _running
    return proc if pid == os.getpid() else None


def _child_running(proc):
    global _running
    _running = (os.getpid(), proc)
    emit('mp.running', {'proc': object_id(proc), 'name': proc.name})


def _exiting(status):
    """lifecycle's exit hook: os._exit(status), or the interpreter's end (status None)."""
    global _running
    proc = _running_here()
    if proc is None:
        return
    code = status if status is not None else _exit_code
    if code is None:
        return
    _running = (None, None)
    # From here on this process ends with `code`, and says so: a SIGTERM that arrives now is
    # ignored, as the process is already on its way out.
    _quiesce()
    emit('mp.exit', {
        'proc': object_id(proc), 'childPid': os.getpid(), 'exitCode': int(code), 'by': 'child'})
    link.flush()


def _quiesce():
    import signal
    wanted = [getattr(signal, name) for name in ('SIGTERM', 'SIGINT', 'SIGHUP')
              if hasattr(signal, name)]
    try:
        for number in wanted:
            signal.signal(number, signal.SIG_IGN)
    except ValueError:
        # Not the main thread: signal.signal() is refused, the thread's mask still works.
        if hasattr(signal, 'pthread_sigmask'):
            signal.pthread_sigmask(signal.SIG_BLOCK, wanted)


def _called_by_bootstrap(frame):
    code = frame.f_code
    return code.co_name == '_bootstrap' and code.co_filename.endswith(_PROCESS_PY)


def _target_failed():
    exc = sys.exc_info()[1]
    if exc is None or isinstance(exc, SystemExit):
        return
    fields = frames.describe_exception(exc)
    fields['proc'] = object_id(_running_here())
    emit('mp.exception', fields)
