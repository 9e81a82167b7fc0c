"""Procscope's tracer: reports the lifecycle of a Python program's processes and threads to the
Procscope supervisor. Activated by sitecustomize.py when PROCSCOPE_TRACE=1; stdlib only."""

import os
import sys

MIN_PYTHON = (3, 8)

_WATCHED = (
    ('threading', 'hooks_thread', 'install'),
    ('threading', 'lifecycle', 'install_threading'),
    ('multiprocessing.process', 'hooks_process', 'install'),
    ('traceback', 'tracebacks', 'install'),
    ('traceback', 'hooks_process', 'install_traceback'),
    ('multiprocessing.queues', 'hooks_ipc', 'install_queues'),
    ('multiprocessing.connection', 'hooks_ipc', 'install_connection'),
    ('multiprocessing.pool', 'hooks_tasks', 'install_pool'),
    ('concurrent.futures.process', 'hooks_tasks', 'install_executor'),
)


def start():
    """Connect this interpreter to the supervisor and hook the modules it will use."""
    if sys.version_info < MIN_PYTHON:
        return
    from . import link

    if not link.activate():
        return
    from . import lifecycle, output, patching

    output.install(os.environ)
    lifecycle.install()
    for module_name, hooks, function in _WATCHED:
        patching.when_imported(module_name, _installer(hooks, function))


def _installer(hooks, function):
    # The hook modules are imported only when the module they patch is: a program that never
    # touches multiprocessing does not pay for its hooks.
    def install(module):
        import importlib
        getattr(importlib.import_module(__name__ + '.' + hooks), function)(module)
    return install
