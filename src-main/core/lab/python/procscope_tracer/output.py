"""Which process wrote which bytes of the run's output, without touching where they go.

Every process of a run writes into the same two pipes (its stdout and stderr), so the order of
the bytes is exactly the order of the writes, as without Procscope. A pipe does not say who
wrote into it, though. Where this interpreter's stdout or stderr is one of the run's own pipes
(not a file, not a subprocess pipe, not /dev/null), its stream is rebuilt on a FileIO subclass
that, with each write, tells the supervisor "this pid writes n bytes with this CRC-32". The
supervisor matches those notices against what it reads from the pipe; bytes nobody claimed (a
C program, os.write, an untraced interpreter) are shown without a writer.

The rebuilt stream is what Python itself would have built for that file descriptor: the same
encoding, errors, newline, buffer size, line buffering and write-through. In a live view with no
terminal behind it (the Lab), stdout is line-buffered, as it would be on a terminal.
"""

import io
import os
import sys

from . import frames, link

_crc32 = None
# The run's pipes as (st_dev, st_ino), set by the watchdog: "dev:ino,dev:ino".
_pipes = frozenset()


def install(environ):
    global _pipes
    if os.name != 'posix':
        return  # Windows pipes have no inode to recognise them by.
    try:
        _pipes = frozenset(tuple(int(part) for part in item.split(':'))
                           for item in environ.get('PROCSCOPE_PIPES', '').split(',') if item)
    except ValueError:
        return
    if not _pipes:
        return
    console = environ.get('PROCSCOPE_CONSOLE') == '1'
    for fd, name in ((1, 'stdout'), (2, 'stderr')):
        link.guarded('output ' + name, _claim, fd, name, console and fd == 1)


def is_run_pipe(fd):
    try:
        st = os.fstat(fd)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) in _pipes


def _claim(fd, name, line_buffered):
    stream = getattr(sys, name, None)
    if stream is None or not is_run_pipe(fd) or getattr(stream, 'fileno', None) is None:
        return
    try:
        if stream.fileno() != fd:
            return
    except (OSError, ValueError, io.UnsupportedOperation):
        return
    if not isinstance(stream, io.TextIOWrapper):
        return
    stream.flush()
    raw = _Noticing(fd, 'wb', closefd=False)
    raw.name = '<%s>' % name
    # Under -u the text layer writes straight to the raw file, as Python sets it up.
    unbuffered = isinstance(stream.buffer, io.FileIO)
    if unbuffered:
        binary = raw
    else:
        size = getattr(raw, '_blksize', 0)
        binary = io.BufferedWriter(raw, size if size > 1 else io.DEFAULT_BUFFER_SIZE)
    rebuilt = io.TextIOWrapper(
        binary, encoding=stream.encoding, errors=stream.errors, newline='\n',
        line_buffering=stream.line_buffering or line_buffered,
        write_through=stream.write_through)
    rebuilt.mode = 'w'
    if getattr(sys, '__%s__' % name, None) is stream:
        setattr(sys, '__%s__' % name, rebuilt)
    setattr(sys, name, rebuilt)
    # The stream Python made stays referenced: collecting it would flush and close nothing
    # (closefd is false for standard streams), but keeping it costs nothing either.
    _replaced.append(stream)


_replaced = []


class _Noticing(io.FileIO):
    """A standard stream's file: sends the supervisor a notice, then writes as FileIO does.

    The notice goes first: a process descheduled between its write and its notice (a busy
    machine) would otherwise leave its bytes in the pipe with nobody to claim them. A notice
    waits for its bytes as long as needed; bytes wait for a notice only briefly."""

    noticing = True

    def write(self, data):
        told = _notice(self, data) if self.noticing else 0
        try:
            written = io.FileIO.write(self, data)
        except BaseException as exc:
            frames.drop_own(exc)
            raise
        if written and written != told and self.noticing:
            # A short write: what did go out is told again (the first notice never matches).
            _notice(self, memoryview(data)[:written])
        return written


def _notice(raw, data):
    """Tells the supervisor these bytes come from this process; returns how many it told."""
    global _crc32
    if _crc32 is None:
        from zlib import crc32 as _crc32
    try:
        count = memoryview(data).nbytes
        if count:
            link.note_output(raw.fileno(), count, _crc32(data))
        return count
    except Exception:
        return 0  # A notice lost: those bytes are shown without a writer.


def recheck():
    """A descriptor was redirected (dup2): notices only for streams still on the run's pipes."""
    for stream in (sys.stdout, sys.stderr):
        raw = _raw_of(stream)
        if raw is not None:
            try:
                raw.noticing = is_run_pipe(raw.fileno())
            except ValueError:
                raw.noticing = False


def _raw_of(stream):
    binary = getattr(stream, 'buffer', None)
    raw = binary if isinstance(binary, _Noticing) else getattr(binary, 'raw', None)
    return raw if isinstance(raw, _Noticing) else None
