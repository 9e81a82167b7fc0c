"""Pool and ProcessPoolExecutor tasks: submitted in the parent, started and finished in a worker.

The submitted callable is wrapped (wire.CallTask / wire.ItemTask) so that the worker, whichever
process or thread it is, knows the task id and the item's index. Map-like calls turn the
iterable into (index, item) pairs. Pool.map materialises the iterable anyway, so its count is
always known; imap and Executor.map may consume theirs lazily, so they report a count only for
a sized iterable (a list, a range) and null for one that cannot tell without being consumed.
"""

import sys

from . import frames, link, wire
from .link import emit, guarded
from .patching import wrap_method

# multiprocessing.pool, once hooked: its mappers run the chunks of a traced map.
_pool = None


def install_pool(module):
    wrap_method(module.Pool, 'apply_async', _apply_async)
    wrap_method(module.Pool, '_map_async', _map_async(module))
    wrap_method(module.Pool, 'imap', _imap('Pool.imap'))
    wrap_method(module.Pool, 'imap_unordered', _imap('Pool.imap_unordered'))
    global _pool
    _pool = module
    wire.run_task = _run_task
    wire.run_chunk = _run_chunk


def install_executor(module):
    wrap_method(module.ProcessPoolExecutor, 'submit', _submit)
    wrap_method(module.ProcessPoolExecutor, 'map', _executor_map)
    wire.run_task = _run_task


def _submitted(api, func, count):
    """Report a submission and return its task id, or None once the budget is spent."""
    budget = link.budget('tasks')
    if budget.spent:
        return None
    task = link.new_id()
    emit('task.submitted', {
        'task': task, 'api': api, 'func': frames.qualname(func), 'count': count,
        'at': frames.callsite()})
    budget.take()
    return task


def _size(iterable):
    """len() of a sized iterable, else None: never consumes it."""
    try:
        return len(iterable)
    except Exception:
        # No __len__ (a generator), or one too big to tell (a huge range raises OverflowError).
        return None


def _pool_api(default):
    # Pool.map, starmap, map_async and apply all funnel into two methods; the caller's name
    # says which one the user called. Frame 2 is whoever called the hooked method.
    frame = sys._getframe(2)
    name = frame.f_code.co_name if frames.is_library(frame) else default
    return 'Pool.' + name


def _apply_async(original):
    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        task = guarded('Pool.apply_async', _submitted, _pool_api('apply_async'), func, 1)
        if task is not None:
            func = wire.CallTask(task, func)
        try:
            return original(self, func, args, kwds, callback, error_callback)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
    return apply_async


def _map_async(pool_module):
    def make(original):
        def _map_async(self, func, iterable, mapper, chunksize=None, callback=None,
                       error_callback=None):
            if not hasattr(iterable, '__len__'):
                iterable = list(iterable)
            task = guarded('Pool.map', _submitted, _pool_api('map_async'), func, len(iterable))
            if task is not None:
                func = wire.ItemTask(task, func, mapper is pool_module.starmapstar)
                iterable = list(enumerate(iterable))
                mapper = wire.mapstar
            try:
                return original(self, func, iterable, mapper, chunksize, callback, error_callback)
            except BaseException as exc:
                frames.drop_own(exc)
                raise
        return _map_async
    return make


def _imap(api):
    def make(original):
        def imap(self, func, iterable, chunksize=1):
            task = guarded(api, _submitted, api, func, _size(iterable))
            if task is not None:
                func = wire.ItemTask(task, func, False)
                iterable = enumerate(iterable)
            try:
                return original(self, func, iterable, chunksize)
            except BaseException as exc:
                frames.drop_own(exc)
                raise
        return imap
    return make


def _submit(original):
    def submit(self, fn, /, *args, **kwargs):
        # Executor.map submits one call per chunk: those are reported by _executor_map.
        if not frames.caller_is_library():
            task = guarded('ProcessPoolExecutor.submit', _submitted,
                           'ProcessPoolExecutor.submit', fn, 1)
            if task is not None:
                fn = wire.CallTask(task, fn)
        try:
            return original(self, fn, *args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
    return submit


def _executor_map(original):
    def map(self, fn, *iterables, **kwargs):
        # zip() stops at the shortest iterable.
        sizes = [_size(iterable) for iterable in iterables]
        count = None if None in sizes else min(sizes, default=0)
        task = guarded('ProcessPoolExecutor.map', _submitted, 'ProcessPoolExecutor.map', fn, count)
        try:
            if task is None:
                return original(self, fn, *iterables, **kwargs)
            # One iterable of (index, arguments) pairs: the wrapper unpacks the arguments.
            return original(self, wire.ItemTask(task, fn, True), enumerate(zip(*iterables)),
                            **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
    return map


def _run_chunk(item_task, pairs):
    """One chunk of a traced map in a worker. Its items are reported one by one while the
    worker's task budget lasts, in one batch sent when the chunk is done; the rest runs as an
    untraced map does. Both go through the pool's own mapper, so a task's traceback shows the
    frames it shows plainly."""
    task, func, star = item_task.task, item_task.func, item_task.star
    budget = link.budget('tasks')
    count = 0 if budget.spent else max(budget.left, 0)
    head, rest = pairs[:count], pairs[count:]

    def call(pair):
        index, item = pair
        return _run_task(task, index, func, tuple(item) if star else (item,), {}, False)

    results = []
    try:
        if head:
            results = _pool.mapstar((call, head))
        if rest:
            mapper = _pool.starmapstar if star else _pool.mapstar
            results.extend(mapper((func, [item for _, item in rest])))
    except BaseException as exc:
        frames.drop_own(exc)
        raise
    finally:
        link.flush()
    return results


def _run_task(task, index, func, args, kwargs, urgent=True):
    """One call in a worker, between its task.started and task.finished. Items of a chunk are
    batched (urgent=False) and sent when the chunk is done, before the worker waits again."""
    budget = link.budget('tasks')
    if budget.spent:
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
    guarded('task', emit, 'task.started', {'task': task, 'index': index}, urgent)
    budget.take()
    try:
        result = func(*args, **kwargs)
    except BaseException as exc:
        guarded('task', emit, 'task.finished', {
            'task': task, 'index': index, 'ok': False,
            'error': '%s: %s' % (type(exc).__name__, frames.safe_str(exc))})
        frames.drop_own(exc)
        raise
    guarded('task', emit, 'task.finished', {'task': task, 'index': index, 'ok': True}, urgent)
    return result
