"""Lesson 2: the lifecycle of a process - New, Running, Terminated.

New:        Process(...) makes a Python object. No operating-system process exists yet.
Running:    start() asks the operating system for a real process, which runs the target.
Terminated: when the target returns, the process ends; join() waits for that moment.

Run it as it is (the parent waits with join), or with --poll to watch the parent ask
is_alive() again and again until the child has finished.
"""

import argparse
import os
import time
from multiprocessing import Process


def work():
    print(f"    child {os.getpid()}: running, working for half a second...")
    time.sleep(0.5)
    print(f"    child {os.getpid()}: done, returning from the target")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll", action="store_true",
                        help="poll is_alive() instead of calling join()")
    options = parser.parse_args()

    # New: only an object in this program's memory. There is no child process yet,
    # so it is not alive and has no process id.
    process = Process(target=work)
    print(f"New:        is_alive() = {process.is_alive()}, pid = {process.pid}")

    # Pause so the New phase is long enough to see on the timeline.
    time.sleep(1.0)

    # Running: start() creates the operating-system process, which calls work().
    process.start()
    print(f"Running:    is_alive() = {process.is_alive()}, pid = {process.pid}")

    if options.poll:
        # Asking is_alive() does not wait: it answers at once, True while the child runs.
        checks = 0
        while process.is_alive():
            checks += 1
            time.sleep(0.1)
        print(f"            is_alive() was True {checks} times, then False")
    # join() waits until the child has terminated (after polling it returns at once) and
    # collects its exit code.
    process.join()

    # Terminated: the target returned, so the process ended normally with exit code 0.
    print(f"Terminated: is_alive() = {process.is_alive()}, exitcode = {process.exitcode}")
