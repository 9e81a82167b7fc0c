// The built-in lessons: the words around each program. They follow the multiprocessing tutorial
// the app brings to life, in its order; the programs themselves live in ./programs, one file
// per lesson (two for lesson 8), each runnable on its own with plain `python3`.

import type { Lesson } from '../../common/lessons';

/** A lesson as written here; the catalog adds the program sources and the lifecycle lines. */
export interface LessonSpec extends Omit<Lesson, 'programs' | 'lifecycleLines' | 'error'> {
  /** Files relative to the lessons root; every variation names one of them. */
  programs: string[];
}

export const BUILTIN_LESSONS: readonly LessonSpec[] = [
  {
    id: 'what-is-a-process',
    number: 1,
    title: 'What is a process?',
    summary: 'Every running program is a process with at least one thread: meet yours.',
    explanation:
      'A process is one running program — here, one Python interpreter — with its own memory ' +
      'and its own process id (pid). A thread is one line of execution inside a process: every ' +
      'process starts with one, the main thread, and all threads of a process share its memory. ' +
      'The program prints its pid, its main thread and how many threads it has.',
    watch:
      'The Timeline: one process, MainProcess, with its pid, and one thread, MainThread. With ' +
      'the extra thread and process, the thread is a new lane inside MainProcess (the same pid), ' +
      'the process a lane of its own with a new pid. Results lists each pid and parent pid.',
    observations: [
      'The main program is one process, with one pid.',
      'It has one thread, MainThread, with a native thread id of its own.',
      'The extra thread has the same pid as the main program but a different thread id.',
      "The extra process has a new pid, the main program's pid as its parent, and its own MainThread.",
    ],
    programs: ['01_what_is_a_process.py'],
    variations: [
      { id: 'main', label: 'Just the main program', program: '01_what_is_a_process.py', args: [] },
      {
        id: 'extra',
        label: 'Start one extra thread and one extra process',
        program: '01_what_is_a_process.py',
        args: ['--extra'],
      },
    ],
    defaultVariation: 'main',
    timed: false,
    readouts: [
      {
        pattern: String.raw`^(?<who>[A-Z][a-z ]+): pid (?<pid>\d+), parent pid (?<ppid>\d+)$`,
        show: '{who}: pid {pid}, parent pid {ppid}',
      },
      {
        pattern: String.raw`thread '(?<name>[^']+)', native id \(tid\) (?<tid>\d+), threads in this process: (?<count>\d+)`,
        show: 'thread {name}, tid {tid}: {count} in its process',
      },
    ],
  },
  {
    id: 'lifecycle',
    number: 2,
    title: 'The lifecycle: New, Running, Terminated',
    summary:
      'Process() makes an object, start() makes the OS process, the target returning ends it.',
    explanation:
      'Process(target=work) only creates a Python object: is_alive() is False and pid is None, ' +
      'because no operating-system process exists yet (New). start() creates the real process, ' +
      'which runs the target (Running). When the target returns the process ends by itself, and ' +
      'join() collects its exit code, 0 (Terminated).',
    watch:
      "The child's lane: a second-long New phase between Process() and start(), a Running bar " +
      'while work() runs, and exit 0 at its end; the is_alive() answers are marked on the ' +
      "parent's lane. Results lists is_alive() and the pid in each phase.",
    observations: [
      'Before start(), is_alive() is False and pid is None: no process exists yet.',
      'start() gives the child its pid, and a new process appears.',
      'While the child runs, is_alive() is True.',
      'When the target returns, join() returns, is_alive() is False and the exit code is 0.',
    ],
    programs: ['02_lifecycle.py'],
    variations: [
      { id: 'join', label: 'Wait with join()', program: '02_lifecycle.py', args: [] },
      {
        id: 'poll',
        label: 'Poll is_alive() until the child ends',
        program: '02_lifecycle.py',
        args: ['--poll'],
      },
    ],
    defaultVariation: 'join',
    timed: false,
    readouts: [
      {
        pattern: String.raw`^(?<phase>New|Running|Terminated):\s+is_alive\(\) = (?<alive>\w+), (?<what>pid|exitcode) = (?<value>\S+)$`,
        show: '{phase}: is_alive() {alive}, {what} {value}',
      },
      {
        pattern: String.raw`is_alive\(\) was True (?<count>\d+) times`,
        show: 'is_alive() answered True {count} times, then False',
      },
    ],
  },
  {
    id: 'target-arguments',
    number: 3,
    title: 'A target with arguments',
    summary: 'args=("Hi",) hands the target its arguments, in the child.',
    explanation:
      'Process(target=example, args=("Hi",)) makes the child call example("Hi"). args is a ' +
      'tuple, so the trailing comma matters. The child works on its own copy of the arguments, ' +
      'and whatever the target returns is thrown away: results need a Queue or a Pipe (lesson 8).',
    watch:
      "Each child's lane starts with the call it makes, example('Hi',); Results lists what " +
      'each child received, by its pid.',
    observations: [
      "The created process names its target, example, and its arguments, ('Hi',).",
      'The child prints its argument split into words.',
      'With three processes, each child receives only its own argument.',
    ],
    programs: ['03_target_with_arguments.py'],
    variations: [
      { id: 'hi', label: 'example("Hi")', program: '03_target_with_arguments.py', args: [] },
      {
        id: 'sentence',
        label: 'A whole sentence as the argument',
        program: '03_target_with_arguments.py',
        args: ['--text', 'Each process gets its own copy of the arguments'],
      },
      {
        id: 'three',
        label: 'Three processes, three arguments',
        program: '03_target_with_arguments.py',
        args: ['--three'],
      },
    ],
    defaultVariation: 'hi',
    timed: false,
    readouts: [
      {
        pattern: String.raw`child (?<pid>\d+) got (?<arg>.+), split into words: (?<words>.+)$`,
        show: 'child {pid} got {arg} → {words}',
      },
    ],
  },
  {
    id: 'error-in-target',
    number: 4,
    title: 'An error in the target',
    summary: 'An exception ends the child with exit code 1; the parent carries on.',
    explanation:
      'example() returns a variable called name that does not exist, so it raises NameError ' +
      'inside the child. Python prints the traceback from the child, and the child exits with ' +
      'exit code 1. The parent is a separate process: it is not affected, reads the exit code ' +
      'and carries on.',
    watch:
      "The exception marker on the child's lane (E on the Timeline opens its traceback), exit 1 " +
      "at its end, and the parent's lane going on after it. Results: the error and the exit code.",
    observations: [
      "The child raises NameError: name 'name' is not defined.",
      'The traceback comes from the child, on its standard error.',
      "The child's exit code is 1.",
      "The parent keeps running after the child's failure and prints the exit code.",
    ],
    programs: ['04_error_in_target.py'],
    variations: [
      {
        id: 'error',
        label: 'The target with the error',
        program: '04_error_in_target.py',
        args: [],
      },
      {
        id: 'fixed',
        label: 'The corrected target',
        program: '04_error_in_target.py',
        args: ['--fixed'],
      },
    ],
    defaultVariation: 'error',
    timed: false,
    readouts: [
      { pattern: String.raw`^(?<error>\w+Error: .+)$`, show: 'the child raised {error}' },
      {
        pattern: String.raw`the child ended with exitcode (?<code>-?\d+)`,
        show: "the child's exit code: {code}",
      },
      {
        pattern: String.raw`I am still running`,
        show: 'the parent carried on after the child ended',
      },
    ],
  },
  {
    id: 'terminate',
    number: 5,
    title: 'Forceful termination, and a controlled shutdown',
    summary: 'terminate() and kill() stop a child from outside; an Event lets it stop itself.',
    explanation:
      'terminate() and kill() end a running child wherever it is, so its cleanup code never ' +
      'runs; on Linux and macOS they send SIGTERM and SIGKILL, and the exit code is minus the ' +
      'signal number, -15 or -9. Windows has no signals: both call TerminateProcess and both ' +
      'give exit code -15. The recommended way is a controlled shutdown: the parent sets a ' +
      'multiprocessing.Event, the child notices it between two steps, cleans up and returns (0).',
    watch:
      "The child's lane ending at the terminate() or kill() marker, its negative exit code at " +
      'the end. Results: the exit code, the signal, and that it never cleaned up; with the Event, ' +
      'that it cleaned up and exited with 0.',
    observations: [
      'terminate() ends the child with exit code -15 (SIGTERM) on Linux and macOS.',
      'kill() ends it with exit code -9 (SIGKILL) on Linux and macOS.',
      'A child stopped by force never prints its "cleaning up" line.',
      'With the Event, the child finishes its step, cleans up and exits with 0.',
    ],
    programs: ['05_terminate_and_kill.py'],
    variations: [
      {
        id: 'terminate',
        label: 'terminate()',
        program: '05_terminate_and_kill.py',
        args: ['--terminate'],
      },
      { id: 'kill', label: 'kill()', program: '05_terminate_and_kill.py', args: ['--kill'] },
      {
        id: 'event',
        label: 'Controlled shutdown with an Event',
        program: '05_terminate_and_kill.py',
        args: ['--event'],
      },
    ],
    defaultVariation: 'terminate',
    timed: false,
    readouts: [
      {
        pattern: String.raw`working, step (?<step>\d+)$`,
        show: 'the child got to step {step}',
        last: true,
      },
      {
        pattern: String.raw`child \d+: .*cleaning up$`,
        show: 'the child cleaned up',
        absent: 'the child never cleaned up',
      },
      {
        pattern: String.raw`the child ended with exitcode (?<code>-?\d+)`,
        show: 'exit code {code}',
      },
      { pattern: String.raw`stopped by (?<signal>SIG\w+)`, show: 'stopped by {signal}' },
    ],
  },
  {
    id: 'join',
    number: 6,
    title: 'join(): waiting for children',
    summary: 'Without join() the main program races ahead; with it, it waits one second, not two.',
    explanation:
      'Two children each print "I\'m going to sleep", sleep one second and print "I\'m awake". ' +
      'Without join() the main program measures its time right after starting them and reports ' +
      'a few milliseconds while they still sleep. With join() it waits for both and reports ' +
      'about one second, not two: the children slept at the same time.',
    watch:
      "Where the main program's script finishes compared with the children's bars: before them " +
      'without join(), after them with join(). Results: the wall time each run measured itself; ' +
      'tick Compare on the Timeline to see both runs, one above the other.',
    observations: [
      'Without join(), the wall time (a few ms) is printed before either child wakes up.',
      "Without join(), the main program's code ends while both children still sleep; Python " +
        'waits for them before the interpreter exits.',
      'With join(), both "I\'m awake" lines come before the wall time.',
      'With join(), the wall time is about 1 s, not 2 s: the children slept in parallel.',
    ],
    programs: ['06_join.py'],
    variations: [
      { id: 'no-join', label: 'Without join()', program: '06_join.py', args: ['--no-join'] },
      { id: 'join', label: 'With join()', program: '06_join.py', args: ['--join'] },
    ],
    defaultVariation: 'no-join',
    timed: true,
    readouts: [],
  },
  {
    id: 'start-twice',
    number: 7,
    title: 'A process can be started only once',
    summary: 'start() on a Process that has already run raises AssertionError.',
    explanation:
      'A Process object stands for one run of one operating-system process. Calling start() a ' +
      'second time raises "AssertionError: cannot start a process twice", even after the first ' +
      'run has finished. To run the work again, create a new Process object.',
    watch:
      "The misuse marker on the main program's lane at the second start(), and no second child " +
      'lane. With a new object, a second child lane appears, with a pid of its own. Results: ' +
      'what the second start() did.',
    observations: [
      'The first run starts, finishes and exits with code 0.',
      'The second start() raises AssertionError: cannot start a process twice.',
      'No second child process is created.',
      'With a new Process object the second run works, as a new process with a new pid.',
    ],
    programs: ['07_start_twice.py'],
    variations: [
      {
        id: 'twice',
        label: 'start() the same object twice',
        program: '07_start_twice.py',
        args: [],
      },
      {
        id: 'fresh',
        label: 'A new Process object for the second run',
        program: '07_start_twice.py',
        args: ['--fresh'],
      },
    ],
    defaultVariation: 'twice',
    timed: false,
    readouts: [
      { pattern: String.raw`child (?<pid>\d+): hello$`, show: 'child {pid} ran' },
      {
        pattern: String.raw`first run finished with exitcode (?<code>-?\d+)`,
        show: 'first run: exit code {code}',
      },
      {
        pattern: String.raw`start\(\) again raised (?<error>.+)$`,
        show: 'second start(): {error}',
      },
      {
        pattern: String.raw`second run, with a new object, finished with exitcode (?<code>-?\d+)`,
        show: 'second run, a new object: exit code {code}',
      },
    ],
  },
  {
    id: 'shared-state',
    number: 8,
    title: 'Sharing state: threads share memory, processes send messages',
    summary:
      "Threads see each other's changes; processes get copies and talk through a Queue or Pipe.",
    explanation:
      'Threads of one process share its memory: three threads adding 1 to a global see each ' +
      "other's additions, and the main program ends with 3. Each process works on its own copy: " +
      "each child counts to 1 and the parent's counter stays 0. Processes send results back as " +
      'messages: a Queue carries them between any number of processes, a Pipe joins two ends.',
    watch:
      'Results: the counter each worker saw (1, 2, 3 for threads; 1, 1, 1 for processes) and ' +
      "where the main program's ends. On the Timeline threads are lanes inside MainProcess, " +
      'processes lanes of their own; with a Queue or a Pipe, an arrow runs from each put or send ' +
      'to its get or recv.',
    observations: [
      'Threads: the counter goes 1, 2, 3, and the main program ends with 3.',
      "Processes: every child prints 1, and the parent's counter stays 0.",
      "Queue: each child's put arrives at one get in the parent.",
      'Pipe: each number the parent sends reaches the child, and each answer comes back.',
    ],
    programs: ['08_shared_state.py', '08_queue_and_pipe.py'],
    variations: [
      { id: 'threads', label: 'Threads', program: '08_shared_state.py', args: ['--threads'] },
      { id: 'processes', label: 'Processes', program: '08_shared_state.py', args: ['--processes'] },
      {
        id: 'queue',
        label: 'Results back through a Queue',
        program: '08_queue_and_pipe.py',
        args: ['--queue'],
      },
      {
        id: 'pipe',
        label: 'Questions and answers through a Pipe',
        program: '08_queue_and_pipe.py',
        args: ['--pipe'],
      },
    ],
    defaultVariation: 'threads',
    timed: false,
    readouts: [
      {
        pattern: String.raw`(?<who>thread \d+|process \d+) \(pid (?<pid>\d+)\): counter is now (?<count>\d+)`,
        show: '{who} (pid {pid}): counter {count}',
      },
      {
        pattern: String.raw`counter ends at (?<count>\d+)`,
        show: 'main program: counter ends at {count}',
      },
      {
        pattern: String.raw`got from child (?<pid>\d+): (?<text>.+) has (?<count>\d+) words`,
        show: 'child {pid} sent back {text}: {count} words',
      },
      {
        pattern: String.raw`sent (?<number>\d+), the child answered (?<answer>\d+)`,
        show: 'sent {number}, got back {answer}',
      },
    ],
  },
  {
    id: 'gil',
    number: 9,
    title: 'The GIL: threads or processes for CPU-bound work?',
    summary: 'Two calculating threads share one core; two processes use two.',
    explanation:
      "CPython's Global Interpreter Lock lets only one thread of a process run Python code at a " +
      'time, so two threads counting primes take turns on one core and are no faster than ' +
      'doing the jobs one after another. Two processes each have their own interpreter and ' +
      'lock, and run on two cores at once. A thread that waits (sleep, network, disk) releases ' +
      'the lock, so for I/O-bound work threads speed things up too.',
    watch:
      'The cores at the top of the Timeline: while two calculating threads run, the run keeps ' +
      'about one core busy; two processes fill two (on a machine with two or more). Results: the ' +
      'speedup over one job after another, about 1× for threads and near 2× for processes; tick ' +
      'Compare on the Timeline to see the runs one above the other.',
    observations: [
      'Sequential baseline: two jobs take twice as long as one.',
      'Two threads: together they use about one core, and the speedup is about 1x.',
      'Two processes: together they use about two cores, and the speedup nears 2x.',
      'I/O-bound jobs: threads finish in about the time of one job too.',
    ],
    programs: ['09_gil.py'],
    variations: [
      { id: 'threads', label: 'Two threads', program: '09_gil.py', args: ['--threads'] },
      { id: 'processes', label: 'Two processes', program: '09_gil.py', args: ['--processes'] },
      {
        id: 'io-threads',
        label: 'I/O-bound work, two threads',
        program: '09_gil.py',
        args: ['--threads', '--io'],
      },
      {
        id: 'io-processes',
        label: 'I/O-bound work, two processes',
        program: '09_gil.py',
        args: ['--processes', '--io'],
      },
    ],
    defaultVariation: 'threads',
    timed: true,
    readouts: [
      {
        pattern: String.raw`sequential, one after another: Wall time: (?<time>.+)$`,
        show: 'one after another: {time}',
      },
      {
        pattern: String.raw`^(?<what>\d+ \w+) at the same time: Wall time: (?<time>.+)$`,
        show: '{what} at the same time: {time}',
      },
    ],
  },
  {
    id: 'pool',
    number: 10,
    title: 'A pool of workers',
    summary: 'Pool.map and ProcessPoolExecutor.map share the items among a few worker processes.',
    explanation:
      'Starting one process per item is wasteful. A pool starts a few worker processes once, ' +
      'and map() hands the items out: each worker takes the next item as soon as it is free. ' +
      'multiprocessing.Pool and concurrent.futures.ProcessPoolExecutor do the same job with two ' +
      'APIs.',
    watch:
      'The worker lanes: the eight items are task bars spread over both workers. Results: how ' +
      'the items were shared and the time it took; the output says which worker handled which.',
    observations: [
      'The pool starts two worker processes, once.',
      'map() hands out eight items; each starts and finishes in a worker.',
      'Both workers get items.',
      'With two workers the eight items take about half the time of one after another.',
    ],
    programs: ['10_pool.py'],
    variations: [
      { id: 'pool', label: 'multiprocessing.Pool', program: '10_pool.py', args: ['--pool'] },
      {
        id: 'executor',
        label: 'ProcessPoolExecutor (concurrent.futures)',
        program: '10_pool.py',
        args: ['--executor'],
      },
    ],
    defaultVariation: 'pool',
    timed: true,
    readouts: [
      {
        pattern: String.raw`^(?<items>\d+) items, (?<workers>\d+) worker processes (?<pids>\[.*\])$`,
        show: '{items} items shared by {workers} workers {pids}',
      },
    ],
  },
];
