"""multiprocessing.Process, seen from the parent (created, started, is_alive, join, terminate,
kill, close, the exit code it observes) and from the child (running, exception, its own exit).

Every hook runs the original exactly once and lets its result or exception through unchanged;
the reporting around it is guarded so a tracer bug costs an event, never the user's call.
"""

import os
import sys
import time

from . import frames, link
from .link import emit, guarded, object_id
from .patching import wrap_function, wrap_method

_EXIT_REPORTED = '_procscope_exit_reported'
_ALIVE_SEEN = '_procscope_alive_seen'
_PROCESS_PY = os.path.join('multiprocessing', 'process.py')
# A polling loop (while p.is_alive(): ...) would log thousands of identical answers.
_IS_ALIVE_REPEAT_NS = 100 * 1000 * 1000

# The Process object this interpreter runs as a child, between _bootstrap and exit, with the pid
# that runs it: a process the target forks by hand inherits the variable, not the role.
_running = (None, None)
_BaseProcess = None


def install(module):
    global _BaseProcess
    wrap_function(os, '_exit', _os_exit)
    base = _BaseProcess = module.BaseProcess
    wrap_method(base, '__init__', _init)
    wrap_method(base, 'start', _start)
    wrap_method(base, 'is_alive', _is_alive)
    wrap_method(base, 'join', _join)
    wrap_method(base, 'terminate', _signal('terminate'))
    wrap_method(base, 'kill', _signal('kill'))
    wrap_method(base, 'close', _close)
    wrap_method(base, '_bootstrap', _bootstrap)


def install_traceback(module):
    wrap_function(module, 'print_exc', _print_exc)


def _init(original):
    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
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
        raise


def _start(original):
    def start(self):
        _pause('Process.start', self)
        _call('Process.start', self, original)
        guarded('Process.start', _started, self)
    return start


def _started(proc):
    emit('mp.started', {
        'proc': object_id(proc),
        'childPid': proc.pid,
        'name': proc.name,
        'daemon': bool(proc.daemon),
        'method': getattr(proc._popen, 'method', '?'),
        'at': frames.callsite(),
    })


def _is_alive(original):
    def is_alive(self):
        _pause('Process.is_alive', self)
        alive = _call('Process.is_alive', self, original)
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
        _call('Process.join', self, original, timeout)
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
            _call(call, self, original)
        return send
    return make


def _close(original):
    def close(self):
        _pause('Process.close', self)
        _call('Process.close', self, original)
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
        guarded('Process._bootstrap', _child_running, self)
        code = original(self, *args, **kwargs)
        guarded('Process._bootstrap', _child_exiting, self, code)
        return code
    return _bootstrap


def _running_here():
    pid, proc = _running
    return proc if pid == os.getpid() else None


def _child_running(proc):
    global _running
    _running = (os.getpid(), proc)
    emit('mp.running', {'proc': object_id(proc), 'name': proc.name})


def _os_exit(original):
    # A target that calls os._exit() skips the rest of _bootstrap: report its exit here.
    def _exit(code):
        proc = _running_here()
        if proc is not None:
            guarded('os._exit', _child_exiting, proc, code)
        return original(code)
    return _exit


def _child_exiting(proc, code):
    global _running
    _running = (None, None)
    emit('mp.exit', {
        'proc': object_id(proc), 'childPid': os.getpid(), 'exitCode': code, 'by': 'child'})
    link.flush()


def _print_exc(original):
    # _bootstrap reports an exception that ended run() with traceback.print_exc(), from its
    # bare `except:`, where the exception is still in sys.exc_info() - in every Python from 3.8
    # on. Catching it there, instead of wrapping run(), keeps our frames out of the traceback
    # Python prints for the user.
    def print_exc(*args, **kwargs):
        if _running_here() is not None and _called_by_bootstrap(sys._getframe(1)):
            guarded('Process.run', _target_failed)
        return original(*args, **kwargs)
    return print_exc


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
