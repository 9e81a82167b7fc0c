"""Lesson 9: the GIL - threads or processes for CPU-bound work?

CPython's Global Interpreter Lock (GIL) lets only one thread of a process run Python code at
a time. So two threads doing pure-Python calculation take turns on one core, while two
processes (each with its own interpreter and its own GIL) can use two cores at once.
Waiting is different: a thread that sleeps or waits for input/output releases the GIL, so
threads are fine for I/O-bound work.

First the work is done once per worker, one after another (the sequential baseline); then
the workers do it at the same time.
Run it with --threads (the default) or --processes; add --io for work that waits instead
of calculating.
"""

import argparse
import os
import threading
import time
from multiprocessing import Process, cpu_count

# Sized so that one job takes a second or so of pure-Python work on a typical laptop.
PRIMES_BELOW = 300_000
# The I/O-bound job: waiting this long, as if for a download.
WAIT_SECONDS = 1.0


def count_primes(limit):
    """CPU-bound: test every number below limit by trial division."""
    found = 0
    for number in range(2, limit):
        divisor = 2
        while divisor * divisor <= number:
            if number % divisor == 0:
                break
            divisor += 1
        else:
            found += 1
    return found


def job(io_bound):
    if io_bound:
        time.sleep(WAIT_SECONDS)  # waiting: the GIL is released while sleeping
    else:
        count_primes(PRIMES_BELOW)  # calculating: the GIL is held all the time


def sequential(workers, io_bound):
    begin = time.perf_counter()
    for _ in range(workers):
        job(io_bound)
    return time.perf_counter() - begin


def in_parallel(workers, io_bound, kind):
    if kind == "threads":
        runners = [threading.Thread(target=job, args=(io_bound,)) for _ in range(workers)]
    else:
        runners = [Process(target=job, args=(io_bound,)) for _ in range(workers)]
    begin = time.perf_counter()
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    return time.perf_counter() - begin


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--threads", dest="kind", action="store_const", const="threads",
                      help="run the workers as threads (the default)")
    kind.add_argument("--processes", dest="kind", action="store_const", const="processes",
                      help="run the workers as processes")
    parser.set_defaults(kind="threads")
    parser.add_argument("--io", action="store_true",
                        help="I/O-bound jobs (sleeping) instead of CPU-bound ones")
    parser.add_argument("--workers", type=int, default=2, help="how many workers (default 2)")
    options = parser.parse_args()

    work = "I/O-bound (sleep)" if options.io else "CPU-bound (count primes)"
    print(f"{options.workers} {work} jobs; this machine has {cpu_count()} cores")

    baseline = sequential(options.workers, options.io)
    print(f"sequential, one after another: Wall time: {baseline:.2f} s")

    parallel = in_parallel(options.workers, options.io, options.kind)
    print(f"{options.workers} {options.kind} at the same time: Wall time: {parallel:.2f} s")
    print(f"speedup: {baseline / parallel:.1f}x")
