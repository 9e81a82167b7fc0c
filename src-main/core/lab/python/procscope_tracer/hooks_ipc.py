"""Messages through multiprocessing Queues (put/get) and Pipe connections (send/recv).

The sender wraps the message with an id (see wire.py) and reports it, with a short repr of what it
sent (the value a student wants to see on the arrow); the receiver reports the id it unwrapped, so
the Timeline can draw an arrow from each send to its receive. Messages the
library exchanges for itself (Pool, Manager, ProcessPoolExecutor plumbing) are neither tagged nor
reported, and connections made with Listener/Client are never tagged: the process at the other
end may not be part of the run and must receive exactly what was sent.

A send is stamped when the call begins: the receiver may report its receive before the sender
returns (the OS or the GIL can hold the sender back right after the write), and an arrow from a
send to its receive must not point back in time.
"""

import os

from . import frames, link, wire
from .link import emit, guarded
from .patching import wrap_function, wrap_method

_UNTAGGED = '_procscope_untagged'
# A receive reports no value; None is a value a sender may send.
_NO_VALUE = object()
# The files defining Queue and Connection: their own wrappers (put_nowait...) are the user's call.
_files = {'queues': None, 'connection': None}


def install_queues(module):
    _files['queues'] = module.__file__
    wrap_method(module.Queue, 'put', _put)
    wrap_method(module.JoinableQueue, 'put', _put)
    wrap_method(module.Queue, 'get', _get)
    wrap_method(module.Queue, '_feed', _feed)


def install_connection(module):
    _files['connection'] = module.__file__
    wrap_function(module, 'Pipe', _pipe)
    # A connection pickled to another process (a spawned child's arguments, a message) keeps
    # its channel.
    for cls_name, reduce_name in (('Connection', 'reduce_connection'),
                                  ('PipeConnection', 'reduce_pipe_connection')):
        cls = getattr(module, cls_name, None)
        if cls is not None:
            module.reduction.register(cls, _carry_channel(getattr(module, reduce_name)))
    wrap_method(module._ConnectionBase, 'send', _send)
    wrap_method(module._ConnectionBase, 'recv', _recv)
    wrap_function(module, 'Client', _untagged_result)
    wrap_method(module.Listener, 'accept', _untagged_result)


def _pipe(original):
    def Pipe(duplex=True):
        try:
            ends = original(duplex)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Pipe', _name_pipe, ends)
        return ends
    return Pipe


def _name_pipe(ends):
    """Both ends of a Pipe get one channel id: a duplex Pipe is a socket pair, whose two ends
    are different OS objects (two inodes, two handles), yet it is one channel to the user."""
    channel = 'pipe:' + link.new_id()
    for conn in ends:
        setattr(conn, wire.CHANNEL, channel)


def _carry_channel(reduce):
    def reduce_connection(conn):
        rebuild, args = reduce(conn)
        channel = getattr(conn, wire.CHANNEL, None)
        # A Listener/Client connection may be bound for a process outside the run, which could
        # not unpickle the tracer's wrapper.
        if channel is None or getattr(conn, _UNTAGGED, False):
            return rebuild, args
        return wire.rebuild_connection, (channel, rebuild, args)
    return reduce_connection


def _channel(kind, holder, conn):
    """A Pipe's ends carry the id Pipe() gave them (a forked child copies it, a pickled
    connection keeps it). Anything else is named by the inode of its OS object: for a Queue's
    one-way pipe, the same at both ends and in every process. The attribute caches that name."""
    channel = getattr(holder, wire.CHANNEL, None)
    if channel is None:
        try:
            channel = '%s:%d' % (kind, os.fstat(conn.fileno()).st_ino)
        except (OSError, ValueError, AttributeError):
            channel = '%s:%d.%x' % (kind, os.getpid(), id(holder))
        setattr(holder, wire.CHANNEL, channel)
    return channel


def _report(kind, channel, msg, t=None, sent=_NO_VALUE):
    fields = {'channel': channel, 'msg': msg}
    # After the send, not before: the repr must not delay the message it describes.
    if sent is not _NO_VALUE:
        fields['value'] = frames.short_repr(sent, 80)
    emit(kind, fields, urgent=False, t=t)
    link.budget('ipc').take()


def _put(original):
    def put(self, obj, block=True, timeout=None):
        try:
            if link.budget('ipc').spent or frames.caller_is_library(_files['queues']):
                return original(self, obj, block, timeout)
            msg = link.new_id()
            t = link.now()
            original(self, wire.Tagged(msg, obj), block, timeout)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Queue.put', _report, 'ipc.put', _channel('queue', self, self._reader), msg, t,
                obj)
    return put


def _feed(original):
    # The feeder thread hands a message it could not pickle to the queue's error hook, which a
    # subclass may override: it must get the object the user put, not the tracer's wrapper.
    def _feed(*args):
        args = list(args)
        onerror = args[-2]

        def on_feeder_error(error, obj):
            try:
                return onerror(error, obj.obj if type(obj) is wire.Tagged else obj)
            except BaseException as exc:
                frames.drop_own(exc)
                raise

        args[-2] = on_feeder_error
        return original(*args)
    return _feed


def _get(original):
    def get(self, block=True, timeout=None):
        try:
            if link.budget('ipc').spent:
                return original(self, block, timeout)
            internal = frames.caller_is_library(_files['queues'])
            if block:
                guarded('Queue.get', link.flush_unless_readable, self._reader)
            wire.clear_received()
            obj = original(self, block, timeout)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        msg = wire.take_received()
        if msg is not None or not internal:
            guarded('Queue.get', _report, 'ipc.get', _channel('queue', self, self._reader), msg)
        return obj
    return get


def _send(original):
    def send(self, obj):
        try:
            if (link.budget('ipc').spent or getattr(self, _UNTAGGED, False)
                    or frames.caller_is_library(_files['connection'])):
                return original(self, obj)
            msg = link.new_id()
            t = link.now()
            original(self, wire.Tagged(msg, obj))
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        guarded('Connection.send', _report, 'ipc.send', _channel('pipe', self, self), msg, t,
                obj)
    return send


def _recv(original):
    def recv(self):
        try:
            if link.budget('ipc').spent:
                return original(self)
            internal = frames.caller_is_library(_files['connection'])
            guarded('Connection.recv', link.flush_unless_readable, self)
            wire.clear_received()
            obj = original(self)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        msg = wire.take_received()
        if msg is not None or not internal:
            guarded('Connection.recv', _report, 'ipc.recv', _channel('pipe', self, self), msg)
        return obj
    return recv


def _untagged_result(original):
    def make_connection(*args, **kwargs):
        try:
            conn = original(*args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        try:
            setattr(conn, _UNTAGGED, True)
        except AttributeError:
            pass
        return conn
    return make_connection
