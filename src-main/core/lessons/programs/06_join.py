"""Lesson 6: join() - waiting for children.

Three processes run here: the main program and two children that each print
"I'm going to sleep", sleep for one second, then print "I'm awake".

Without join (--no-join, the default) the main program measures its time right after
starting the children, so it reports a few milliseconds while they are still asleep.
With --join it waits for both, and reports about one second: the children slept at the
same time, not one after the other.
"""

import argparse
import time
from multiprocessing import Process


def do_something():
    print("I'm going to sleep")
    time.sleep(1)
    print("I'm awake")


def wall_time(seconds):
    """Format a duration the way the tutorial's notebook does: ms below one second."""
    if seconds < 1:
        return f"Wall time: {seconds * 1000:.2f} ms"
    return f"Wall time: {seconds:.2f} s"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    wait = parser.add_mutually_exclusive_group()
    wait.add_argument("--join", dest="join", action="store_true",
                      help="wait for both children before measuring")
    wait.add_argument("--no-join", dest="join", action="store_false",
                      help="measure right after starting them (the default)")
    parser.set_defaults(join=False)
    options = parser.parse_args()

    begin = time.perf_counter()

    # Create two new child processes (a Process object can only be started once).
    process_1 = Process(target=do_something)
    process_2 = Process(target=do_something)

    # Start both: from here on, three processes run at the same time.
    process_1.start()
    process_2.start()

    if options.join:
        # Wait here until each child has finished.
        process_1.join()
        process_2.join()

    print(wall_time(time.perf_counter() - begin))
    # Without join the main program's code ends here while the children still sleep;
    # Python itself waits for them before the interpreter exits.
