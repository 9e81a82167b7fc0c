"""Objects that travel inside the user's messages and tasks. Pickles name them by reference
(procscope_tracer.wire.restore, ...), so this module stays importable and import-light in every
interpreter of the run, traced or not.

Message ids ride in the payload rather than being inferred from order: a Queue with several
producers and consumers delivers in an order no single process can see, so counting puts and
gets would pair the wrong messages. The wrapper unpickles to the user's object itself; only
the id is set aside, on the receiving thread, for the hook that called get()/recv().
"""

import threading

from .frames import drop_own

_received = threading.local()

# The attribute of a Connection that holds its channel id (see hooks_ipc).
CHANNEL = '_procscope_channel'

# Set by hooks_tasks in an interpreter where the tracer is active; None means "just call".
run_task = None
run_chunk = None


def restore(msg, obj):
    _received.msg = msg
    return obj


def clear_received():
    _received.msg = None


def take_received():
    msg = getattr(_received, 'msg', None)
    _received.msg = None
    return msg


def rebuild_connection(channel, rebuild, args):
    """A Connection unpickled in another process, with the channel id it had in the sender."""
    conn = rebuild(*args)
    setattr(conn, CHANNEL, channel)
    return conn


class Tagged(object):
    """A message with its id: pickles as restore(msg, obj)."""

    __slots__ = ('msg', 'obj')

    def __init__(self, msg, obj):
        self.msg = msg
        self.obj = obj

    def __reduce__(self):
        return restore, (self.msg, self.obj)


class CallTask(object):
    """A submitted callable (apply_async, submit): one call, index 0."""

    __slots__ = ('task', 'func')

    def __init__(self, task, func):
        self.task = task
        self.func = func

    def __reduce__(self):
        return CallTask, (self.task, self.func)

    def __call__(self, /, *args, **kwargs):
        try:
            if run_task is None:
                return self.func(*args, **kwargs)
            return run_task(self.task, 0, self.func, args, kwargs)
        except BaseException as exc:
            drop_own(exc)
            raise


class ItemTask(object):
    """A mapped callable: the iterable is turned into (index, item) pairs so each call knows its
    position; star unpacks the item as arguments (starmap)."""

    __slots__ = ('task', 'func', 'star')

    def __init__(self, task, func, star):
        self.task = task
        self.func = func
        self.star = star

    def __reduce__(self):
        return ItemTask, (self.task, self.func, self.star)

    def __call__(self, pair):
        index, item = pair
        args = tuple(item) if self.star else (item,)
        try:
            if run_task is None:
                return self.func(*args)
            return run_task(self.task, index, self.func, args, {})
        except BaseException as exc:
            drop_own(exc)
            raise


def mapstar(args):
    """Pool.map's mapper for a traced map, called once per chunk of (index, item) pairs: the
    items are reported one by one while the worker's task budget lasts, and the rest of the
    chunk runs as fast as an untraced map (one call per item, no wrapper in between)."""
    task, pairs = args
    try:
        if run_chunk is None:
            func = task.func
            if task.star:
                return [func(*item) for _, item in pairs]
            return [func(item) for _, item in pairs]
        return run_chunk(task, pairs)
    except BaseException as exc:
        drop_own(exc)
        raise
