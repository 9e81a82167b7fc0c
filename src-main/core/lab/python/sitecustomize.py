"""Procscope: instruments every Python interpreter of a lab run.

The supervisor puts this directory on PYTHONPATH and sets PROCSCOPE_TRACE=1, so every
interpreter of the run - the program itself however it was started (a script, -m, -c, a
zipapp, through env or a shell), multiprocessing's spawn and forkserver children, a subprocess
running Python - loads the tracer before any user code. The directory is then taken off
sys.path again, so the program sees the sys.path it would see without Procscope. Without
PROCSCOPE_TRACE this file only hands over to the sitecustomize it shadows.

Deliberately old-fashioned syntax: an interpreter too old for the tracer must still start.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))


def _trace():
    try:
        import procscope_tracer
        procscope_tracer.start()
    except Exception:
        # Never break the user's program: it runs untraced.
        pass


def _chain(rest):
    """Run the sitecustomize that this one hides (a distribution's, a virtualenv's)."""
    try:
        # A few stat calls first: importlib's machinery is only worth loading if there is one.
        if not any(os.path.exists(os.path.join(p or os.curdir, 'sitecustomize.py')) for p in rest):
            return
        import importlib.machinery
        import importlib.util
        spec = importlib.machinery.PathFinder.find_spec('sitecustomize', rest)
        if spec is not None and spec.loader is not None:
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
    except Exception:
        pass


def _unlist():
    """sys.path without this directory (the tracer's modules stay imported)."""
    return [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]


if os.environ.get('PROCSCOPE_TRACE') == '1':
    _trace()
sys.path[:] = _unlist()
_chain(sys.path)
