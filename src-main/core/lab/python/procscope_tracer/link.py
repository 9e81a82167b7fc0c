"""This process's link to the Procscope supervisor.

One TCP connection to 127.0.0.1 per interpreter carries events (JSON, one batch per line) and
output notices, and brings back step control. The program's file descriptors are never touched:
what it writes goes where it would go without Procscope, and the notices (see output.py) only
tell the supervisor which process wrote which bytes of the run's own pipes.

Cost model: an event is a dict appended to a list. Lifecycle events are sent at once (they are
rare and the live view wants them now). IPC and task events come in bursts, so they are batched
and sent when the batch is 256 events or 10 ms old, or before this process may block (time.sleep,
a blocking get/recv, join, a step pause, exit) so that a quiet process never sits on them.

Imports are the cheapest that do the job (_socket, _thread, no threading): every traced
interpreter pays for them before the user's first line runs.
"""

import os
import sys
import time

import _socket
import _thread

from . import frames

# The run's clock: every event's t. The supervisor converts it to run time.
now = time.monotonic_ns
_native_id = _thread.get_native_id

_BATCH_EVENTS = 256
_BATCH_AGE_NS = 10 * 1000 * 1000
_CONNECT_TIMEOUT_S = 5.0
_encode = None


def _dumps(value):
    # json is imported on the first event, not at start-up: a program that never starts a
    # process or a thread sends only its hello, which is formatted by hand.
    global _encode
    if _encode is None:
        import json
        _encode = json.JSONEncoder(separators=(',', ':'), default=repr).encode
    return _encode(value)


class Budget(object):
    """Caps a fine-grained stream per process, so a hot loop cannot drown the run in events."""

    def __init__(self, what, limit):
        self.what = what
        self.limit = limit
        self.left = limit
        self.spent = limit <= 0
        self.on_spent = []

    def take(self):
        self.left -= 1
        if self.left <= 0 and not self.spent:
            self.spent = True
            emit('tracer.limit', {'what': self.what, 'limit': self.limit})
            for callback in self.on_spent:
                guarded('limit ' + self.what, callback)


class _Config(object):
    def __init__(self, environ):
        host, _, port = environ['PROCSCOPE_ADDR'].rpartition(':')
        self.address = (host, int(port))
        self.token = environ['PROCSCOPE_TOKEN']
        self.watchdog = int(environ.get('PROCSCOPE_WATCHDOG') or 0)
        self.limits = {
            'ipc': int(environ.get('PROCSCOPE_IPC_LIMIT', '200')),
            'tasks': int(environ.get('PROCSCOPE_TASK_LIMIT', '500')),
        }


class _Link(object):
    """Everything that must be fresh in a forked child: socket, locks, buffer, budgets."""

    def __init__(self, config):
        self.sock = None
        self.buf = []
        self.oldest_ns = 0
        self.last_flush_ns = 0
        self.send_lock = _thread.allocate_lock()
        # Only the thread holding this may read step control from the socket, so a resume
        # meant for a paused thread is never swallowed by another thread's poll.
        self.control_lock = _thread.allocate_lock()
        self.flushing = set()
        self.step = False
        self.rbuf = b''
        self.pauses = 0
        self.reported = set()
        self.budgets = dict((what, Budget(what, limit)) for what, limit in config.limits.items())


_config = None
_link = None
_ids = None
# 'main' (the run's own program), 'forked' or 'spawned' (any other fresh interpreter).
role = None


def active():
    return _link is not None and _link.sock is not None


def activate():
    """Connect and start reporting. Returns whether this process is now traced; never raises."""
    global _config, _link, role
    if _link is not None:
        return active()
    try:
        _config = _Config(os.environ)
        _link = _Link(_config)
        # The watchdog starts the run's program and nothing else: its direct child is the main
        # program, whichever launcher (env, a shell that execs) led to this interpreter.
        role = 'main' if os.getppid() == _config.watchdog else 'spawned'
        _connect()
        if hasattr(os, 'register_at_fork'):
            os.register_at_fork(before=flush, after_in_child=_after_fork_in_child)
    except Exception:
        # Without a link there is nobody to tell: run the program untraced.
        _link = None
    return active()


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
    _send(link, None)


def note_output(fd, count, crc):
    """Bytes this process just wrote to one of the run's pipes: count and CRC-32, sent now so
    that the supervisor can name the writer of what it reads from the pipe without waiting."""
    link = _link
    if link is not None and link.sock is not None:
        _send(link, b'o%d %d %d\n' % (fd, count, crc))


def _send(link, extra):
    # A signal handler that sends while this thread is mid-send must not interleave bytes
    # inside the line being written: it leaves its events for the next flush instead.
    me = _native_id()
    if me in link.flushing:
        return
    link.flushing.add(me)
    try:
        with link.send_lock:
            data = b''
            buf = link.buf
            count = len(buf)
            if count:
                # Appenders only ever add at the end, so the first `count` items are stable.
                batch = buf[:count]
                del buf[:count]
                data = _dumps(batch).encode() + b'\n'
            if extra is not None:
                data += extra
            if data:
                link.sock.sendall(data)
                link.last_flush_ns = now()
    except Exception:
        link.sock = None
    finally:
        link.flushing.discard(me)


def flush_unless_readable(conn):
    """Before a blocking receive: send what is buffered unless a message is already waiting."""
    link = _link
    if link is None or not link.buf:
        return
    import select
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
    import json
    import select
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

def _connect():
    hello = (
        '{"kind":"hello","token":%s,"pid":%d,"ppid":%d,"t":%d,"tid":%d,"python":"%d.%d.%d",'
        '"exe":%s,"argv":%s,"role":"%s"}\n' % (
            _json_text(_config.token), os.getpid(), os.getppid(), now(), _native_id(),
            sys.version_info[0], sys.version_info[1], sys.version_info[2],
            _json_text(sys.executable or ''),
            '[' + ','.join(_json_text(arg) for arg in getattr(sys, 'argv', [])) + ']',
            role))
    # Not socket.create_connection: importing socket costs ~2 ms, its getaddrinfo ~1 ms more,
    # for an address that is already numeric.
    sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
    try:
        sock.settimeout(_CONNECT_TIMEOUT_S)
        sock.connect(_config.address)
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        sock.settimeout(None)
        sock.sendall(hello.encode('utf-8', 'surrogateescape'))
    except Exception:
        sock.close()
        raise
    # Step mode as it was when the run started; the supervisor follows the hello with the
    # current mode, read at the first pause point. Not waiting for it saves a round trip per
    # interpreter start.
    _link.step = os.environ.get('PROCSCOPE_STEP') == '1'
    _link.sock = sock


def _json_text(text):
    # The hello's strings without the json module: escapes what JSON requires, and keeps
    # anything that is not valid text (a surrogate-escaped argv byte) as a replacement.
    out = ['"']
    for char in text:
        code = ord(char)
        if char == '"' or char == '\\':
            out.append('\\' + char)
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF:
            out.append('\\u%04x' % (code if code < 0x20 else 0xFFFD))
        else:
            out.append(char)
    out.append('"')
    return ''.join(out)


def _after_fork_in_child():
    global _link, role
    inherited = _link
    _link = _Link(_config)
    role = 'forked'
    try:
        if inherited is not None and inherited.sock is not None:
            # Our copy of the parent's socket: closing it leaves the parent's connection alone.
            inherited.sock.close()
        _connect()
    except Exception:
        _link = None
