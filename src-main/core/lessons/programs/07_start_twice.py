"""Lesson 7: a process can be started only once.

A Process object stands for one run of one operating-system process. After it has run,
calling start() again is an error (AssertionError: cannot start a process twice). To run the
same work again, create a new Process object.

Run it as it is to see the error, or with --fresh to do it the right way.
"""

import argparse
import os
from multiprocessing import Process


def greet():
    print(f"    child {os.getpid()}: hello")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true",
                        help="create a new Process object for the second run")
    options = parser.parse_args()

    process = Process(target=greet)
    process.start()
    process.join()
    print(f"parent: first run finished with exitcode {process.exitcode}")

    if options.fresh:
        # The right way: one new Process object per run.
        process = Process(target=greet)
        process.start()
        process.join()
        print(f"parent: second run, with a new object, finished with exitcode {process.exitcode}")
    else:
        try:
            process.start()
        except AssertionError as error:
            print(f"parent: start() again raised AssertionError: {error}")
