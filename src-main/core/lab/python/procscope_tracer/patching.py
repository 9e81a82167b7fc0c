"""Installing the hooks.

Hooks are installed when their module is imported, not eagerly: importing multiprocessing.pool
and concurrent.futures.process costs ~25 ms per interpreter, a price a program that never uses
them should not pay. A meta path finder sees the import of a watched module, lets the normal
finders locate it, and patches the module right after it has executed.
"""

import functools
import sys

# importlib.machinery's loaders, from the bootstrap module every interpreter has loaded already:
# importing importlib.machinery itself would cost a module load at every start.
import _frozen_importlib_external as _external

from . import frames, link

_MARK = '__procscope_wrapped__'
_pending = {}


def when_imported(name, patch):
    module = sys.modules.get(name)
    if module is not None:
        link.guarded('patch ' + name, patch, module)
        return
    _pending.setdefault(name, []).append(patch)
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def wrap_method(cls, name, make_wrapper):
    """Replace cls.name by make_wrapper(original); keeps the original's name, doc and signature.

    Only methods defined on cls itself are wrapped, so a subclass is never patched twice."""
    _replace(cls, name, cls.__dict__.get(name), make_wrapper)


def wrap_function(module, name, make_wrapper):
    _replace(module, name, getattr(module, name, None), make_wrapper)


def _replace(owner, name, original, make_wrapper):
    static = isinstance(original, staticmethod)
    if static:
        original = original.__func__
    if original is None or getattr(original, _MARK, False):
        return
    wrapper = functools.update_wrapper(make_wrapper(original), original)
    setattr(wrapper, _MARK, True)
    setattr(owner, name, staticmethod(wrapper) if static else wrapper)


_FILE_LOADERS = (_external.SourceFileLoader, _external.SourcelessFileLoader)


class _Finder(object):
    def find_spec(self, fullname, path, target=None):
        patches = _pending.pop(fullname, None)
        if patches is None:
            return None
        try:
            return self._patched_spec(fullname, path, target, patches)
        except Exception as exc:
            # The import itself must go on: the normal finders take over, unpatched.
            link.report_error('patch ' + fullname, exc)
            return None

    def _patched_spec(self, fullname, path, target, patches):
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        loader = getattr(spec, 'loader', None)
        # Only file loaders are per-module instances; wrapping a shared loader (builtin,
        # frozen) would patch every module it loads.
        if not isinstance(loader, _FILE_LOADERS):
            return spec
        execute = loader.exec_module

        def exec_module(module):
            try:
                execute(module)
            except BaseException as exc:
                frames.drop_own(exc)
                raise
            for patch in patches:
                link.guarded('patch ' + fullname, patch, module)

        loader.exec_module = exec_module
        return spec

    def invalidate_caches(self):
        pass
