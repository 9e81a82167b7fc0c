"""Lesson 1: what is a process?

A process is one running instance of a program: here, one Python interpreter with its own
memory. A thread is one line of execution inside a process: every process starts with one,
the main thread, and threads of the same process share its memory.

Run it as it is to meet the main process and its main thread, or with --extra to start one
more thread and one more process and compare their ids.
"""

import argparse
import multiprocessing
import os
import threading


def introduce(who):
    """Print who is running this line: which process (pid) and which thread (tid)."""
    thread = threading.current_thread()
    print(f"{who}: pid {os.getpid()}, parent pid {os.getppid()}")
    # The name is Python's label; the native id is the number the operating system uses.
    print(f"    thread {thread.name!r}, native id (tid) {threading.get_native_id()}, "
          f"threads in this process: {threading.active_count()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", action="store_true",
                        help="also start one extra thread and one extra process")
    options = parser.parse_args()

    print("A process is a running program with its own memory; a thread is one line of")
    print("execution inside a process, sharing that memory with the process's other threads.")
    print()
    introduce("The main program")

    if options.extra:
        # A new thread lives inside this same process: same pid, a new tid.
        thread = threading.Thread(target=introduce, args=("An extra thread",), name="Extra")
        thread.start()
        thread.join()

        # A new process is a new interpreter: a new pid, and its own main thread.
        process = multiprocessing.Process(target=introduce, args=("An extra process",))
        process.start()
        process.join()

        print()
        print("The thread shared the main program's pid; the process got a pid of its own,")
        print("and its parent pid is the main program's pid.")
