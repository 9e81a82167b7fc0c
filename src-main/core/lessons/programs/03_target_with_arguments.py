"""Lesson 3: a target with arguments.

Process(target=example, args=("Hi",)) runs example("Hi") in the child process. args must be
a tuple: note the comma in ("Hi",) - without it, ("Hi") is just the string "Hi".

Run it as it is, with --text "some words" to send another sentence, or with --three to start
three processes that each get their own argument.
"""

import argparse
import os
from multiprocessing import Process


def example(args):
    # This runs in the child: it received its own copy of the argument.
    split_args = list(args.split())
    print(f"    child {os.getpid()} got {args!r}, split into words: {split_args}")
    # The return value is thrown away: a process cannot hand it back to its parent this way.
    # (Lesson 8 shows how to send results back, with a Queue.)
    return split_args


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default="Hi", help="the argument to give the child")
    parser.add_argument("--three", action="store_true",
                        help="start three processes, each with its own argument")
    options = parser.parse_args()

    if options.three:
        texts = ["Hi", "Hello there", "Good morning, class"]
    else:
        texts = [options.text]

    processes = []
    for text in texts:
        process = Process(target=example, args=(text,))
        print(f"parent: created a process for example({text!r})")
        processes.append(process)

    for process in processes:
        process.start()
    for process in processes:
        process.join()
    print("parent: every child has finished")
