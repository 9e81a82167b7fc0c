"""Lesson 10: a pool of worker processes.

Starting one process per item is wasteful. A pool starts a few worker processes once, and
map() hands the items out to them: each worker takes the next item as soon as it is free,
so the work spreads over the workers.

Run it with --pool (multiprocessing.Pool, the default) or --executor
(concurrent.futures.ProcessPoolExecutor, the same idea in the newer API).
"""

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


# Pretend each item takes this long to work on.
ITEM_SECONDS = 0.2


def square(number):
    time.sleep(ITEM_SECONDS)
    return number, number * number, os.getpid()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--pool", dest="kind", action="store_const", const="pool",
                      help="use multiprocessing.Pool (the default)")
    kind.add_argument("--executor", dest="kind", action="store_const", const="executor",
                      help="use concurrent.futures.ProcessPoolExecutor")
    parser.set_defaults(kind="pool")
    parser.add_argument("--workers", type=int, default=2, help="how many workers (default 2)")
    options = parser.parse_args()

    items = range(1, 9)
    begin = time.perf_counter()
    # chunksize=1: one item at a time per worker, so the sharing is easy to see.
    if options.kind == "executor":
        with ProcessPoolExecutor(max_workers=options.workers) as executor:
            results = list(executor.map(square, items, chunksize=1))
    else:
        pool = Pool(processes=options.workers)
        results = pool.map(square, items, chunksize=1)
        pool.close()  # no more work: each worker exits once it is idle...
        pool.join()  # ...and this waits until they all have
    elapsed = time.perf_counter() - begin

    for number, result, pid in results:
        print(f"item {number}: {number} x {number} = {result}, handled by worker pid {pid}")
    workers = sorted(set(pid for _, _, pid in results))
    print(f"{len(items)} items, {len(workers)} worker processes {workers}")
    print(f"Wall time: {elapsed:.2f} s (one after another it would take {len(items) * ITEM_SECONDS:.1f} s)")
