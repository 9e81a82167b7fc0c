"""Telling the user's code from the library's, and describing objects safely.

"Library" means the standard library (site-packages included: third-party code is not the
lesson either), this tracer, and synthetic frames such as <frozen ...> or <string>. A lifecycle
call only pauses in step mode, and only names a file:line, when user code made it; IPC made by
the library itself (a Pool's internal queues, a Manager's connections) is not reported as the
user's messages.
"""

import os
import sys

_OWN = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY = (os.path.dirname(os.path.abspath(os.__file__)) + os.sep, _OWN, '<')


def is_library(frame):
    return frame.f_code.co_filename.startswith(_LIBRARY)


def caller_is_library(own_file=None):
    """Whether the code calling the hooked method (two frames up from here) is library code.

    Frames in `own_file`, the module that defines the hooked class, are looked past: they are
    the user's call arriving through a convenience wrapper (put_nowait, threading.Timer).
    """
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == own_file:
        frame = frame.f_back
    return frame is None or is_library(frame)


def user_frame():
    frame = sys._getframe(1)
    while frame is not None and is_library(frame):
        frame = frame.f_back
    return frame


def callsite():
    frame = user_frame()
    if frame is None:
        return None
    return {'file': frame.f_code.co_filename, 'line': frame.f_lineno}


def source_line(frame):
    import linecache
    return linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()


def safe_str(obj):
    try:
        return str(obj)
    except Exception:
        return '<unprintable %s>' % type(obj).__name__


def short_repr(obj, limit=500):
    """repr for display: long strings and big containers abbreviated, at most `limit` in all."""
    import reprlib
    shortener = reprlib.Repr()
    # reprlib's default of 30 cuts an ordinary sentence; a page of text is still cut short.
    shortener.maxstring = 200
    try:
        text = shortener.repr(obj)
    except Exception:
        text = '<%s>' % type(obj).__name__
    return text if len(text) <= limit else text[:limit - 1] + '\u2026'


def qualname(obj):
    """'work' for a function of the user's script, 'module.work' for anything else."""
    if obj is None:
        return ''
    name = getattr(obj, '__qualname__', None) or getattr(obj, '__name__', None)
    if name is None:
        return short_repr(obj, 80)
    module = getattr(obj, '__module__', None)
    if module in (None, '__main__', '__mp_main__', 'builtins'):
        return name
    return '%s.%s' % (module, name)


def is_own(tb):
    return tb.tb_frame.f_code.co_filename.startswith(_OWN)


def drop_own(exc):
    """Called by a hook that lets an exception through: takes the tracer's frames off the front
    of its traceback. On Python 3.11+ a bare `raise` after this re-raises with the shortened
    traceback, so the user's traceback shows the library's frames and theirs, never ours."""
    tb = exc.__traceback__
    while tb is not None and is_own(tb):
        tb = tb.tb_next
    exc.__traceback__ = tb


def strip(tb):
    """The traceback `tb` without the tracer's frames, spliced out in place: what a traceback
    shown to the user must look like on Pythons that keep a hook's frame despite drop_own()."""
    while tb is not None and is_own(tb):
        tb = tb.tb_next
    entry = tb
    while entry is not None:
        after = entry.tb_next
        while after is not None and is_own(after):
            after = after.tb_next
        if after is not entry.tb_next:
            entry.tb_next = after
        entry = after
    return tb


def strip_exception(exc, seen=None):
    """strip() on an exception, the exceptions it was raised from or during, and their groups."""
    seen = set() if seen is None else seen
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc.__traceback__ = strip(exc.__traceback__)
        group = getattr(exc, 'exceptions', None)
        for inner in group if isinstance(group, tuple) else ():
            if isinstance(inner, BaseException):
                strip_exception(inner, seen)
        if exc.__cause__ is not None:
            strip_exception(exc.__cause__, seen)
        exc = exc.__context__


def from_first_user_frame(tb):
    """The traceback from the user's first frame on: the runner and _bootstrap are noise."""
    first = tb
    while first is not None and is_library(first.tb_frame):
        first = first.tb_next
    return first or tb


def describe_exception(exc):
    """type, message and a traceback that starts at the user's code, not at our wrappers."""
    import traceback
    lines = traceback.format_exception(type(exc), exc, from_first_user_frame(exc.__traceback__))
    text = ''.join(lines)
    if len(text) > 8000:
        text = '\u2026' + text[-7999:]
    return {'type': type(exc).__name__, 'message': safe_str(exc), 'traceback': text}
