"""Lesson 4: an error in the target.

An exception that nobody catches ends the child process: Python prints the traceback from
inside the child, and the child exits with exit code 1. The parent is a different process,
so it does not crash: it carries on, and can read the child's exit code.

Run it as it is to see the error, or with --fixed to run the corrected function.
"""

import argparse
import os
from multiprocessing import Process


def example(args):
    split_args = list(args.split())
    # "name" is not defined anywhere in this function: this line raises NameError.
    return name  # noqa: F821 - the mistake is on purpose


def example_fixed(args):
    split_args = list(args.split())
    print(f"    child {os.getpid()}: split into {split_args}")
    return split_args


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixed", action="store_true", help="run the corrected target")
    options = parser.parse_args()

    target = example_fixed if options.fixed else example
    process = Process(target=target, args=("Hi",))
    process.start()
    process.join()

    # Exit code 0 means the target returned; 1 means an exception ended the child.
    print(f"parent: the child ended with exitcode {process.exitcode}")
    print("parent: I am still running - the error stayed inside the child process.")
