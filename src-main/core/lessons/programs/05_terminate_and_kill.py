"""Lesson 5: ending a process by force, and the better way.

terminate() and kill() stop a child from the outside, wherever it is: its cleanup code never
runs. The exit code says what happened: a negative number -N means "stopped by signal N"
(on Linux and macOS, -15 is SIGTERM from terminate() and -9 is SIGKILL from kill()).
On Windows there are no signals: both calls use TerminateProcess, and exitcode is -15 for both.

The recommended way is a controlled shutdown: the parent sets a shared Event, the child
notices it between two pieces of work, cleans up, and returns normally (exit code 0).

Run it with --terminate (the default), --kill, or --event.
"""

import argparse
import multiprocessing
import os
import signal
import sys
import time


def work_forever():
    """A child that would run for a long time if nobody stopped it."""
    try:
        for step in range(1, 301):
            print(f"    child {os.getpid()}: working, step {step}")
            time.sleep(0.2)
    finally:
        # This never prints after terminate() or kill(): the process is gone at once.
        print(f"    child {os.getpid()}: cleaning up")


def work_until_stopped(stop):
    """A child that checks a shared flag between two pieces of work."""
    step = 0
    while not stop.is_set():
        step += 1
        print(f"    child {os.getpid()}: working, step {step}")
        # wait() is a sleep that ends early as soon as the flag is set.
        stop.wait(0.2)
    print(f"    child {os.getpid()}: asked to stop - saving my work and cleaning up")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--terminate", action="store_const", dest="how", const="terminate",
                     help="stop the child with terminate() (the default)")
    how.add_argument("--kill", action="store_const", dest="how", const="kill",
                     help="stop the child with kill()")
    how.add_argument("--event", action="store_const", dest="how", const="event",
                     help="ask the child to stop with a multiprocessing.Event")
    parser.set_defaults(how="terminate")
    options = parser.parse_args()

    if options.how == "event":
        # An Event is a true/false flag that every process it is given can see.
        stop = multiprocessing.Event()
        process = multiprocessing.Process(target=work_until_stopped, args=(stop,))
        process.start()
        time.sleep(1.0)
        print("parent: setting the stop flag")
        stop.set()
        process.join()
    else:
        process = multiprocessing.Process(target=work_forever)
        process.start()
        time.sleep(1.0)
        if process.is_alive():
            if options.how == "kill":
                print("parent: calling kill()")
                process.kill()
            else:
                print("parent: calling terminate()")
                process.terminate()
        process.join()

    print(f"parent: the child ended with exitcode {process.exitcode}")
    if process.exitcode < 0:
        number = -process.exitcode
        print(f"        a negative exit code -N means it was stopped by signal N: "
              f"here {number}, stopped by {signal.Signals(number).name}")
        if sys.platform == "win32":
            print("        on Windows terminate() and kill() are the same call "
                  "(TerminateProcess): both show -15")
    else:
        print("        0: the child finished by itself, after cleaning up")
