"""Lesson 8a: threads share memory, processes do not.

Three workers each add 1 to the same global variable, counter.

Threads (--threads, the default) live in one process, so they change one and the same
variable: each sees the others' additions, and the main program ends with 3.
Processes (--processes) each get their own copy of the program's memory: each child counts
to 1 in its copy, and the parent's counter stays 0.
"""

import argparse
import os
import threading
from multiprocessing import Process

counter = 0
# "counter += 1" is read, add, write: a lock stops two threads from interleaving those steps.
counter_lock = threading.Lock()


def add_one(worker):
    global counter
    with counter_lock:
        counter += 1
        print(f"    {worker} (pid {os.getpid()}): counter is now {counter}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--threads", dest="kind", action="store_const", const="threads",
                      help="three threads (the default)")
    kind.add_argument("--processes", dest="kind", action="store_const", const="processes",
                      help="three processes")
    parser.set_defaults(kind="threads")
    options = parser.parse_args()

    print(f"main program (pid {os.getpid()}): counter starts at {counter}")
    if options.kind == "threads":
        workers = [threading.Thread(target=add_one, args=(f"thread {i}",)) for i in (1, 2, 3)]
    else:
        workers = [Process(target=add_one, args=(f"process {i}",)) for i in (1, 2, 3)]

    # One at a time, so that the order of the printed lines is easy to follow.
    for worker in workers:
        worker.start()
        worker.join()

    print(f"main program (pid {os.getpid()}): counter ends at {counter}")
