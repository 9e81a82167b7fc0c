"""Lesson 8b: sending results between processes with a Queue or a Pipe.

Processes do not share memory, so results travel as messages: the sender's object is
serialised (pickled), carried through an operating-system pipe, and rebuilt by the receiver.

A Queue (--queue, the default) is a line that any number of processes can put into and get
from: three children put their results, the parent gets them.
A Pipe (--pipe) connects exactly two ends: the parent sends numbers down its end, the child
receives each one and sends back its square.
"""

import argparse
import os
from multiprocessing import Pipe, Process, Queue


def count_words(text, results):
    """Runs in a child: do the work, then put the result on the queue for the parent."""
    results.put((os.getpid(), text, len(text.split())))


def square_numbers(connection):
    """Runs in a child: answer every number that arrives, until the parent sends None."""
    while True:
        number = connection.recv()
        if number is None:
            break
        connection.send(number * number)
    connection.close()


def with_queue():
    texts = ["I'm going to sleep", "I'm awake", "Processes do not share memory"]
    results = Queue()
    children = [Process(target=count_words, args=(text, results)) for text in texts]
    for child in children:
        child.start()
    # Get every result before join(): a child that has put something on a queue waits,
    # before exiting, until the data has gone into the pipe - so the parent must read it.
    for _ in children:
        pid, text, words = results.get()
        print(f"parent got from child {pid}: {text!r} has {words} words")
    for child in children:
        child.join()


def with_pipe():
    parent_end, child_end = Pipe()
    child = Process(target=square_numbers, args=(child_end,))
    child.start()
    for number in (2, 3, 4):
        parent_end.send(number)
        print(f"parent sent {number}, the child answered {parent_end.recv()}")
    parent_end.send(None)  # tell the child there is no more work
    child.join()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--queue", dest="kind", action="store_const", const="queue",
                      help="three children put results on a Queue (the default)")
    kind.add_argument("--pipe", dest="kind", action="store_const", const="pipe",
                      help="parent and child talk through the two ends of a Pipe")
    parser.set_defaults(kind="queue")
    options = parser.parse_args()

    if options.kind == "pipe":
        with_pipe()
    else:
        with_queue()
