"""Tracebacks formatted by the traceback module (print_exc, format_exception, logging, the
remote tracebacks of Pool and ProcessPoolExecutor tasks) show no frame of the tracer.

The hooks take their own frames off an exception on its way through (frames.drop_own), which
is enough on Python 3.11+. Older Pythons keep them, and a Pool task's exception passes through
the task wrapper in the worker before its traceback is turned into text: so the functions that
walk a traceback skip the tracer's frames, on every version.
"""

import functools

from . import frames

_WALKERS = ('walk_tb', '_walk_tb_with_full_positions')


def install(module):
    for name in _WALKERS:
        original = getattr(module, name, None)
        if original is not None:
            setattr(module, name, _skipping(original))


def _skipping(original):
    @functools.wraps(original)
    def walk(tb, *args, **kwargs):
        return original(frames.strip(tb), *args, **kwargs)
    return walk
