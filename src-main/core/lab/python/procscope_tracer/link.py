"""This process's link to the Procscope supervisor.

One TCP connection to 127.0.0.1 carries events (JSON, one batch per line) and brings back step
control. On POSIX two more connections replace file descriptors 1 and 2, so every byte this
process writes - print(), os.write(), a C extension, an exec'd child - reaches the supervisor
labelled with the pid that wrote it, with no Python-level wrapping of sys.stdout.

Cost model: an event is a dict appended to a list. Lifecycle events are sent at once (they are
rare and the live view wants them now). IPC and task events come in bursts, so they are batched
and sent when the batch is 64 events or 10 ms old, or before this process may block (time.sleep,
a blocking get/recv, join, a step pause, exit) so that a quiet process never sits on them.
"""

import atexit
import json
import os
import select
import socket
import sys
import threading
import time

from . import frames

# The run's clock: every event's t. The supervisor converts it to run time.
now = time.monotonic_ns
_native_id = threading.get_native_id
_dumps = json.JSONEncoder(separators=(',', ':'), default=repr).encode

_BATCH_EVENTS = 64
_BATCH_AGE_NS = 10 * 1000 * 1000
_CONNECT_TIMEOUT_S = 5.0


class Budget(object):
    """Caps a fine-grained stream per process, so a hot loop cannot drown the run in events."""

    def __init__(self, what, limit):
        self.what = what
        self.limit = limit
        self.left = limit
        self.spent = limit <= 0

    def take(self):
        self.left -= 1
        if self.left <= 0 and not self.spent:
            self.spent = True
            emit('tracer.limit', {'what': self.what, 'limit': self.limit})


class _Config(object):
    def __init__(self, environ):
        host, _, port = environ['PROCSCOPE_ADDR'].rpartition(':')
        self.address = (host, int(port))
        self.token = environ['PROCSCOPE_TOKEN']
        self.limits = {
            'ipc': int(environ.get('PROCSCOPE_IPC_LIMIT', '200')),
            'tasks': int(environ.get('PROCSCOPE_TASK_LIMIT', '500')),
        }


class _Link(object):
    """Everything that must be fresh in a forked child: sockets, locks, buffer, budgets."""

    def __init__(self, config):
        self.sock = None
        self.buf = []
        self.oldest_ns = 0
        self.last_flush_ns = 0
        self.send_lock = threading.Lock()
        # Only the thread holding this may read step control from the socket, so a resume
        # meant for a paused thread is never swallowed by another thread's poll.
        self.control_lock = threading.Lock()
        self.local = threading.local()
        self.step = False
        self.rbuf = b''
        self.pauses = 0
        self.reported = set()
        self.budgets = dict((what, Budget(what, limit)) for what, limit in config.limits.items())


_config = None
_link = None
_ids = None


def active():
    return _link is not None and _link.sock is not None


def activate(role):
    """Connect and start reporting. Safe to call twice; never raises."""
    global _config, _link
    if _link is not None:
        return
    try:
        _config = _Config(os.environ)
        _link = _Link(_config)
        _connect(role)
        atexit.register(flush)
        if hasattr(os, 'register_at_fork'):
            os.register_at_fork(before=flush, after_in_child=_after_fork_in_child)
        _flush_before(time, 'sleep')
        _flush_before(os, '_exit')
    except Exception:
        # Without a link there is nobody to tell: run the program untraced.
        _link = None


def new_id():
    """'<pid>:<n>', unique across the run: the pid tells processes apart, n objects within one."""
    global _ids
    if _ids is None:
        import itertools
        _ids = itertools.count(1)
    return '%d:%d' % (os.getpid(), next(_ids))


def object_id(obj):
    """The id of a Process or Thread object, assigned on first sight and carried to a child with
    the object (fork copies it, spawn pickles it), so parent and child name it alike."""
    oid = getattr(obj, '_procscope_id', None)
    if oid is None:
        oid = new_id()
        setattr(obj, '_procscope_id', oid)
    return oid


def budget(what):
    return _link.budgets[what] if _link is not None else Budget(what, 0)


def emit(kind, fields, urgent=True, t=None):
    """Report an event that happens now, or at `t` (read from now()) if it began earlier."""
    link = _link
    if link is None or link.sock is None:
        return
    stamp = now()
    fields['kind'] = kind
    fields['t'] = stamp if t is None else t
    fields['tid'] = _native_id()
    buf = link.buf
    if not buf:
        link.oldest_ns = stamp
    buf.append(fields)
    if (urgent or len(buf) >= _BATCH_EVENTS or stamp - link.oldest_ns >= _BATCH_AGE_NS
            or (len(buf) == 1 and stamp - link.last_flush_ns >= _BATCH_AGE_NS)):
        flush()


def flush():
    link = _link
    if link is None or link.sock is None or not link.buf:
        return
    # A signal handler that emits while this thread is mid-send must not interleave bytes
    # inside the line being written: it leaves its events for the next flush instead.
    if getattr(link.local, 'flushing', False):
        return
    link.local.flushing = True
    try:
        with link.send_lock:
            buf = link.buf
            count = len(buf)
            if count == 0:
                return
            # Appenders only ever add at the end, so the first `count` items are stable.
            batch = buf[:count]
            del buf[:count]
            link.sock.sendall(_dumps(batch).encode() + b'\n')
            link.last_flush_ns = now()
    except Exception:
        link.sock = None
    finally:
        link.local.flushing = False


def flush_unless_readable(conn):
    """Before a blocking receive: send what is buffered unless a message is already waiting."""
    link = _link
    if link is None or not link.buf:
        return
    try:
        ready = select.select([conn.fileno()], [], [], 0)[0]
    except (OSError, ValueError):
        ready = []
    if not ready:
        flush()


def report_error(where, exc):
    """A tracer failure: told once per place, and the user's program carries on."""
    link = _link
    if link is None or where in link.reported:
        return
    link.reported.add(where)
    emit('tracer.error', {'where': where, 'message': '%s: %s' % (type(exc).__name__,
                                                                 frames.safe_str(exc))})


def api_error(call, obj, exc):
    """A lifecycle call raised (start twice, join before start...): the user's mistake, shown."""
    emit('api.error', {
        'call': call,
        'obj': object_id(obj),
        'type': type(exc).__name__,
        'message': frames.safe_str(exc),
        'at': frames.callsite(),
    })


def guarded(where, fn, *args):
    try:
        return fn(*args)
    except Exception as exc:
        report_error(where, exc)
        return None


# -- step mode ---------------------------------------------------------------------------------

def pause_point(call, obj):
    """In step mode, block this thread at a lifecycle call made from the user's code."""
    link = _link
    if link is None or link.sock is None:
        return
    # While another thread of this process is paused, wait for it: one pause at a time.
    with link.control_lock:
        _read_control(link, block=False, pause=None)
        if not link.step:
            return
        frame = frames.user_frame()
        if frame is None:
            return
        link.pauses += 1
        pause = link.pauses
        emit('step.paused', {
            'pause': pause,
            'call': call,
            'obj': obj,
            'at': {'file': frame.f_code.co_filename, 'line': frame.f_lineno},
            'code': frames.source_line(frame),
        })
        how = _read_control(link, block=True, pause=pause)
        emit('step.resumed', {'pause': pause, 'how': how})


def _read_control(link, block, pause):
    """Apply control messages; with block, wait until `pause` is resumed or step mode ends."""
    while True:
        while b'\n' in link.rbuf:
            line, _, link.rbuf = link.rbuf.partition(b'\n')
            message = json.loads(line.decode('utf-8'))
            op = message.get('op')
            if op == 'mode':
                link.step = bool(message.get('step'))
            elif op == 'resume' and pause is not None and message.get('pause') == pause:
                return 'step'
        if pause is not None and not link.step:
            return 'continue'
        if not block and not select.select([link.sock], [], [], 0)[0]:
            return None
        data = link.sock.recv(65536)
        if not data:
            # The supervisor is gone: nobody can press Step any more.
            link.step = False
            link.sock = None
            return 'continue'
        link.rbuf += data


# -- connecting --------------------------------------------------------------------------------

def _connect(role):
    hello = {
        'kind': 'hello',
        'token': _config.token,
        'pid': os.getpid(),
        'ppid': os.getppid(),
        't': now(),
        'tid': _native_id(),
        'python': '%d.%d.%d' % sys.version_info[:3],
        'exe': sys.executable or '',
        'argv': list(getattr(sys, 'argv', [])),
        'role': role,
    }
    sock = _open(dict(hello, ch='events'))
    sock.settimeout(None)
    # Step mode as it was when the run started; the supervisor follows the hello with the
    # current mode, read at the first pause point. Not waiting for it saves a round trip per
    # interpreter start.
    _link.step = os.environ.get('PROCSCOPE_STEP') == '1'
    _link.sock = sock
    if os.name == 'posix':
        _redirect(1, sys.stdout, dict(hello, ch='stdout'))
        _redirect(2, sys.stderr, dict(hello, ch='stderr'))


def _open(hello):
    # Not socket.create_connection: its getaddrinfo costs ~1 ms on first use, for an address
    # that is already numeric.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(_CONNECT_TIMEOUT_S)
    sock.connect(_config.address)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.sendall(_dumps(hello).encode('utf-8') + b'\n')
    return sock


def _redirect(fd, stream, hello):
    sock = _open(hello)
    # A socket with a timeout is non-blocking underneath, and O_NONBLOCK is shared with the
    # dup: the program's writes to fd 1 would fail with EAGAIN instead of waiting, as on a pipe.
    sock.setblocking(True)
    if stream is not None:
        stream.flush()
    os.dup2(sock.fileno(), fd)
    sock.close()


def _after_fork_in_child():
    global _link
    inherited = _link
    _link = _Link(_config)
    try:
        if inherited is not None and inherited.sock is not None:
            # Our copy of the parent's socket: closing it leaves the parent's connection alone.
            inherited.sock.close()
        _connect('forked')
    except Exception:
        _link = None


def _flush_before(module, name):
    """Send what is buffered before a call that may leave this process quiet (or end it)."""
    import functools
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if _link is not None and _link.buf:
            flush()
        return original(*args, **kwargs)

    setattr(module, name, wrapper)
