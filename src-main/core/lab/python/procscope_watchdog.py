"""Procscope's run watchdog: holds the lifeline of one lab run.

The supervisor starts this script with `python -I -S` (no site, no PYTHON* variables, so never
traced) and a socket on fd 3, then sends one JSON line: the program to run. On POSIX it first
makes the program's stdin, stdout and stderr: three FIFOs in the folder named on its command
line, which the supervisor opens for its end when told {"ev": "fifos"}. The program so gets real
pipes, as in a shell pipeline (Node's own child pipes are socket pairs: /dev/stdout cannot be
opened on one, and a closed reader gives ECONNRESET instead of EPIPE). The watchdog starts the
program in a new session - a process group of its own, inherited by every descendant - and:

  * reports the program's pid, and later its exit status, on fd 3, each stamped with the
    monotonic clock at the moment it happened (the supervisor's event loop may be busy);
  * on {"op": "stop", "graceMs": N}: SIGTERM to the run, SIGKILL to what is left after N ms;
  * when fd 3 reaches end-of-file - the supervisor ended the run, or died, even by SIGKILL, since
    the kernel closes a dead process's sockets - stops the run the same way and exits.

That last point is the lifeline: nothing of a run outlives the app. The watchdog is not in the
group it kills, so it survives to finish the job and to report. On Linux it is the run's child
subreaper (from before the program is forked): a descendant that leaves the group (setsid) and
is orphaned (a double fork) is reparented to the watchdog instead of to pid 1. So "the run" is
every descendant of the watchdog, found by walking /proc, not only the process group; the kill
freezes them (SIGSTOP: a stopped process forks no more) before it kills them, and the watchdog
reaps them, so none lingers as a zombie where pid 1 reaps nobody (containers).

Python 3.8 compatible; stdlib only.
"""

import json
import os
import signal
import sys
import time

CONTROL_FD = 3
LIFELINE_GRACE_S = 1.0
TICK_S = 0.05
# After SIGKILL the kernel needs a moment to tear the group down; waiting lets us reap and report.
KILL_SETTLE_S = 2.0


class Control(object):
    """JSON lines in both directions on the lifeline socket."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b''
        self.closed = False

    def send(self, message):
        try:
            os.write(self.fd, (json.dumps(message) + '\n').encode('utf-8'))
        except OSError:
            pass  # The supervisor is gone; the lifeline's end-of-file will say so.

    def read(self):
        """Messages that have arrived; sets closed on end-of-file."""
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            data = b''
        if not data:
            self.closed = True
            return []
        self.buffer += data
        messages = []
        while b'\n' in self.buffer:
            line, _, self.buffer = self.buffer.partition(b'\n')
            if line.strip():
                messages.append(json.loads(line.decode('utf-8')))
        return messages

    def first_message(self):
        while not self.closed:
            messages = self.read()
            if messages:
                return messages[0]
        return None


class SpawnError(OSError):
    def __init__(self, stage, number, subject):
        OSError.__init__(self, number, '%s: %s' % (subject, os.strerror(number)))
        self.stage = stage


def traced_environment(outputs):
    """What only the watchdog knows, for the tracer: its own pid (the main program is its child)
    and the run's output pipes, which the program and its descendants inherit."""
    pipes = []
    for fd in outputs:
        try:
            st = os.fstat(fd)
        except OSError:
            continue
        pipes.append('%d:%d' % (st.st_dev, st.st_ino))
    return {'PROCSCOPE_WATCHDOG': str(os.getpid()), 'PROCSCOPE_PIPES': ','.join(pipes)}


def raise_parent_fd_limit():
    """A run has one tracer connection per Python process, all accepted by the supervisor:
    raise its soft limit on open files to the hard limit (Linux lets a process do that for its
    parent). The program keeps the limit it inherited."""
    try:
        import resource
        soft, hard = resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE)
        if resource.RLIM_INFINITY not in (soft, hard) and soft < hard:
            resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, AttributeError, OSError, ValueError):
        pass  # Not Linux, or not allowed: the limit stays as it was.


def describe_status(status):
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = 'SIG%d' % number
        return {'ev': 'exit', 'code': None, 'signal': name, 't': time.monotonic_ns()}
    return {'ev': 'exit', 'code': os.WEXITSTATUS(status), 'signal': None, 't': time.monotonic_ns()}


def become_subreaper():
    """Linux: orphans among our descendants are reparented to us, not to pid 1."""
    if not sys.platform.startswith('linux'):
        return
    try:
        import ctypes
        PR_SET_CHILD_SUBREAPER = 36
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        pass  # Orphans then go to pid 1; the process group is still killed.


def children(pid):
    """Live children of pid, from every thread's children file (a process forked from a worker
    thread is listed under that thread only). Empty where /proc has no such files."""
    found = []
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return found
    for tid in tids:
        try:
            with open('/proc/%d/task/%s/children' % (pid, tid)) as listing:
                found.extend(int(child) for child in listing.read().split())
        except (OSError, ValueError):
            pass
    return found


def is_zombie(pid):
    try:
        with open('/proc/%d/stat' % pid) as stat:
            return stat.read().rpartition(')')[2].split()[0] in ('Z', 'X')
    except (OSError, IndexError):
        return True


def descendants(pid):
    """Every live descendant of pid, breadth first (zombies have exited: nothing to signal)."""
    found = []
    level = children(pid)
    seen = set()
    while level:
        following = []
        for child in level:
            if child in seen:
                continue
            seen.add(child)
            if not is_zombie(child):
                found.append(child)
            following.extend(children(child))
        level = following
    return found


STDIO = ('stdin', 'stdout', 'stderr')


def make_fifos(folder):
    for name in STDIO:
        os.mkfifo(os.path.join(folder, name), 0o600)


def open_fifos(folder):
    """The program's ends. The supervisor holds the others open; without it, opening a writer
    fails at once (non-blocking) rather than waiting for ever. The program gets them blocking."""
    fds = []
    try:
        for fd, name in enumerate(STDIO):
            path = os.path.join(folder, name)
            fds.append(os.open(path, (os.O_RDONLY if fd == 0 else os.O_WRONLY) | os.O_NONBLOCK))
            os.set_blocking(fds[-1], True)
            os.unlink(path)  # the pipe lives on as long as its ends are open
    except OSError:
        for fd in fds:
            os.close(fd)
        raise
    return fds


class PosixWatch(object):
    def __init__(self, control, fifo_folder):
        self.control = control
        self.fifo_folder = fifo_folder
        self.root = None
        self.reported = False
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        # SIGCHLD writes a byte to wake_w, so select() below wakes up when a child exits.
        signal.set_wakeup_fd(wake_w)
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            # A Python-level handler, not SIG_IGN: ignored signals would be inherited by the
            # program across exec, caught ones are reset to default.
            signal.signal(sig, lambda *_: None)

    def spawn(self, spec):
        try:
            stdio = open_fifos(self.fifo_folder)
        except OSError as exc:
            raise SpawnError('watchdog', exc.errno or 0, 'the output pipes')
        try:
            return self.spawn_with(spec, stdio)
        finally:
            for fd in stdio:
                os.close(fd)  # the program's now: their end-of-file is the program's

    def spawn_with(self, spec, stdio):
        env = dict(spec['env'])
        if spec.get('traced'):
            env.update(traced_environment(stdio[1:]))
        ready_r, ready_w = os.pipe()  # close-on-exec: end-of-file means exec succeeded
        pid = os.fork()
        if pid == 0:
            stage = 'cwd'
            try:
                os.close(ready_r)
                os.close(CONTROL_FD)  # the lifeline is the watchdog's alone
                for fd, source in enumerate(stdio):
                    os.dup2(source, fd)
                os.setsid()
                # Python ignores these two for itself; an ignored signal survives exec, and a
                # program must get the dispositions it would get from a shell.
                for name in ('SIGPIPE', 'SIGXFSZ'):
                    if hasattr(signal, name):
                        signal.signal(getattr(signal, name), signal.SIG_DFL)
                os.chdir(spec['cwd'])
                stage = 'exec'
                os.execvpe(spec['argv'][0], spec['argv'], env)
            except OSError as exc:
                os.write(ready_w, ('%s:%d' % (stage, exc.errno or 0)).encode())
            finally:
                os._exit(127)
        os.close(ready_w)
        failure = os.read(ready_r, 64).decode()
        os.close(ready_r)
        if failure:
            os.waitpid(pid, 0)
            stage, _, number = failure.partition(':')
            subject = spec['cwd'] if stage == 'cwd' else spec['argv'][0]
            raise SpawnError(stage, int(number), subject)
        self.root = pid
        return pid

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.root and not self.reported:
                self.reported = True
                self.control.send(describe_status(status))

    def alive(self):
        """Whether anything of the run is left: its group, or a descendant that left it."""
        self.reap()
        if descendants(os.getpid()):
            return True
        try:
            os.killpg(self.root, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal_run(self, sig):
        """The group, and every descendant whether it stayed in the group or not."""
        try:
            os.killpg(self.root, sig)
        except OSError:
            pass
        for pid in descendants(os.getpid()):
            try:
                os.kill(pid, sig)
            except OSError:
                pass

    def kill_run(self):
        """Frozen first, then killed: between listing a process's children and killing it, a
        running process could fork one more."""
        self.signal_run(signal.SIGSTOP)
        self.signal_run(signal.SIGKILL)

    def wait(self, timeout):
        import select
        fds = [self.wake_r] if self.control.closed else [self.wake_r, self.control.fd]
        readable = select.select(fds, [], [], timeout)[0]
        if self.wake_r in readable:
            try:
                while os.read(self.wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        if self.control.fd in readable:
            return self.control.read()
        return []

    def stop(self, grace_s):
        if not self.alive():
            return
        self.signal_run(signal.SIGTERM)
        # A process stopped by the user (SIGSTOP) acts on SIGTERM only once it runs again.
        self.signal_run(signal.SIGCONT)
        deadline = time.monotonic() + grace_s
        while self.alive() and time.monotonic() < deadline:
            self.wait(min(TICK_S, max(0.0, deadline - time.monotonic())))
        deadline = time.monotonic() + KILL_SETTLE_S
        while self.alive() and time.monotonic() < deadline:
            self.kill_run()
            self.wait(TICK_S)

    def run(self):
        while not self.control.closed:
            self.reap()
            for message in self.wait(None):
                if message.get('op') == 'stop':
                    self.stop(message.get('graceMs', 3000) / 1000.0)
        self.stop(LIFELINE_GRACE_S)


class WindowsWatch(object):
    """Windows has no process groups to signal: the program gets its own console process group
    (so CTRL_BREAK reaches it) and taskkill /T walks the tree for the hard kill."""

    def __init__(self, control):
        import threading
        self.control = control
        self.child = None
        self.messages = []
        self.changed = threading.Event()
        threading.Thread(target=self.pump, daemon=True).start()

    def pump(self):
        while not self.control.closed:
            self.messages.extend(self.control.read())
            self.changed.set()

    def spawn(self, spec):
        import subprocess
        env = dict(spec['env'])
        if spec.get('traced'):
            env.update(traced_environment(()))
        self.child = subprocess.Popen(
            spec['argv'], cwd=spec['cwd'], env=env, close_fds=True,
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
        return self.child.pid

    def alive(self):
        return self.child.poll() is None

    def stop(self, grace_s):
        import subprocess
        if not self.alive():
            return
        try:
            os.kill(self.child.pid, signal.CTRL_BREAK_EVENT)
        except OSError:
            pass
        deadline = time.monotonic() + grace_s
        while self.alive() and time.monotonic() < deadline:
            time.sleep(TICK_S)
        subprocess.call(['taskkill', '/T', '/F', '/PID', str(self.child.pid)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def run(self):
        reported = False
        while not self.control.closed or not reported:
            if not reported and not self.alive():
                reported = True
                self.control.send({'ev': 'exit', 'code': self.child.returncode, 'signal': None,
                                   't': time.monotonic_ns()})
            self.changed.wait(TICK_S)
            self.changed.clear()
            while self.messages:
                message = self.messages.pop(0)
                if message.get('op') == 'stop':
                    self.stop(message.get('graceMs', 3000) / 1000.0)
            if self.control.closed:
                break
        self.stop(LIFELINE_GRACE_S)


def main():
    control = Control(CONTROL_FD)
    fifo_folder = sys.argv[1] if len(sys.argv) > 1 and os.name != 'nt' else None
    if fifo_folder is not None:
        try:
            make_fifos(fifo_folder)
        except OSError as exc:
            control.send({'ev': 'spawn-failed', 'message': 'the output pipes: %s' % exc.strerror,
                          'errno': exc.errno or 0, 'stage': 'watchdog'})
            return 0
        control.send({'ev': 'fifos'})
    spec = control.first_message()
    if spec is None:
        return 0
    watch = WindowsWatch(control) if os.name == 'nt' else PosixWatch(control, fifo_folder)
    # Before the program exists: an orphan of its very first moments is ours as well.
    become_subreaper()
    raise_parent_fd_limit()
    try:
        pid = watch.spawn(spec)
    except OSError as exc:
        control.send({'ev': 'spawn-failed', 'message': exc.strerror or str(exc),
                      'errno': exc.errno or 0, 'stage': getattr(exc, 'stage', 'exec')})
        return 0
    control.send({'ev': 'spawned', 'pid': pid, 't': time.monotonic_ns()})
    watch.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
