"""threading.Thread: created, started and finished (reported on the thread itself, so the event
carries its native id next to its Python name), joined, and exceptions in run().
"""

import sys

from . import frames, link
from .link import emit, guarded, object_id
from .patching import wrap_method

_INTERNAL = '_procscope_internal'
_threading = None


def install(module):
    global _threading
    _threading = module
    thread = module.Thread
    wrap_method(thread, '__init__', _init)
    wrap_method(thread, 'start', _start)
    wrap_method(thread, '_bootstrap_inner', _bootstrap_inner)
    wrap_method(thread, 'join', _join)


def _init(original):
    def __init__(self, *args, **kwargs):
        try:
            original(self, *args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        # Threads Python makes for foreign threads (_DummyThread) are not created by anyone.
        if not isinstance(self, _threading._DummyThread):
            internal = frames.caller_is_library(_threading.__file__)
            guarded('Thread.__init__', _created, self, internal)
    return __init__


def _created(thread, internal):
    setattr(thread, _INTERNAL, internal)
    target = getattr(thread, '_target', None)
    emit('thread.created', {
        'thread': object_id(thread),
        'name': thread.name,
        'target': frames.qualname(target if target is not None else type(thread)),
        'daemon': thread.daemon,
        'internal': internal,
        'at': frames.callsite(),
    })
    invoke = getattr(thread, '_invoke_excepthook', None)
    if invoke is not None:
        # Wrapping the per-thread hook (not threading.excepthook) keeps working when the user
        # installs their own excepthook, and keeps our frames out of the printed traceback.
        thread._invoke_excepthook = _reporting_excepthook(invoke)


def _reporting_excepthook(invoke):
    # Takes the thread as an argument rather than closing over it: no reference cycle.
    def invoke_excepthook(thread):
        guarded('Thread.run', _failed, thread)
        # Python before 3.11 keeps the frames of hooks the exception passed through.
        guarded('Thread.run', frames.strip_exception, sys.exc_info()[1])
        return invoke(thread)
    return invoke_excepthook


def _failed(thread):
    exc = sys.exc_info()[1]
    if exc is None:
        return
    fields = frames.describe_exception(exc)
    fields['thread'] = object_id(thread)
    fields['name'] = thread.name
    emit('thread.exception', fields)


def _start(original):
    def start(self):
        guarded('pause', link.pause_point, 'Thread.start', object_id(self))
        try:
            return original(self)
        except BaseException as exc:
            guarded('Thread.start', link.api_error, 'Thread.start', self, exc)
            frames.drop_own(exc)
            raise
    return start


def _bootstrap_inner(original):
    # Runs on the new thread, around everything Python does there, so our frame sits above
    # the traceback of run() rather than inside it.
    def _bootstrap_inner(self):
        guarded('Thread.started', emit, 'thread.started',
                {'thread': object_id(self), 'name': self.name})
        try:
            return original(self)
        finally:
            guarded('Thread.finished', emit, 'thread.finished',
                    {'thread': object_id(self), 'name': self.name})
    return _bootstrap_inner


def _join(original):
    def join(self, timeout=None):
        # Plumbing threads (a Queue's feeder, a Pool's handlers) are joined by the library at
        # exit; those joins are not part of the lesson.
        traced = not getattr(self, _INTERNAL, False)
        if traced:
            guarded('pause', link.pause_point, 'Thread.join', object_id(self))
            guarded('Thread.join', emit, 'thread.join.call',
                    {'thread': object_id(self), 'timeout': timeout, 'at': frames.callsite()})
        try:
            original(self, timeout)
        except BaseException as exc:
            guarded('Thread.join', link.api_error, 'Thread.join', self, exc)
            frames.drop_own(exc)
            raise
        if traced:
            guarded('Thread.join', emit, 'thread.join.return',
                    {'thread': object_id(self), 'ended': not self.is_alive()})
    return join
