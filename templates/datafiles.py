# covshim's reading of an install's data directory, shared by the report
# driver (report.py) and the cluster hosts' agent (remote.py), which covshim
# runs with this text in front: which files are whose, whether their writer
# still runs, and the recorder's files (docs/recorder.md) turned into
# coverage.py data. Python 2.7 to 3.x (hosts may be GPDB 6); only 3.12+
# processes write recorder files.
import os
import re
import struct
import sys

RECORDER_SUFFIX = ".covrec"
REC_MAGIC = b"covshimR"
REC_BOM = 0x0102030405060708
THIS_HOST = os.uname()[1] if hasattr(os, "uname") else ""

# .coverage.HOST.PID.RANDOM (coverage 5, 6), .coverage.HOST.pidPID.XRANDOMx[.HHASHh] (7),
# .coverage.HOST.pidPID.XHEXx.covrec (covshim's recorder).
_NAME = re.compile(r"^\.coverage\.(.+)\.(?:pid)?(\d+)\.X?\w+?x?(?:\.H\w+h)?(?:\.covrec)?$")


class RecError(Exception):
    """A recorder file that cannot be read: set aside, never combined."""


def is_recorder(name):
    return name.endswith(RECORDER_SUFFIX)


def writer_of(name):
    """(host, pid) from a data file's name, or (None, None)."""
    m = _NAME.match(name)
    if not m:
        return None, None
    return m.group(1), int(m.group(2))


def _same_host(host):
    # coverage 7 writes the host name with "_" for "."; 5 and 6 as it is.
    return host in (THIS_HOST, THIS_HOST.replace(".", "_"))


def _started(pid):
    """When process `pid` started (seconds since the epoch), or None if unknown."""
    try:
        import time
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # Boot time from the uptime (10 ms), not /proc/stat's btime (1 s).
        with open("/proc/uptime") as f:
            boot = time.time() - float(f.read().split()[0])
        return boot + int(fields[19]) / float(os.sysconf("SC_CLK_TCK"))
    except (IOError, OSError, IndexError, ValueError):
        pass
    if os.path.isdir("/proc/self"):
        return None
    # No /proc (macOS, BSD): ps, which every one of them has.
    try:
        import subprocess
        import time
        out = subprocess.check_output(["ps", "-o", "etime=", "-p", str(pid)], stderr=open(os.devnull, "w")).decode("ascii", "replace").strip()
        days, _, hms = out.rpartition("-")
        parts = [int(x) for x in hms.split(":")]
        secs = 0
        for x in parts:
            secs = secs * 60 + x
        return time.time() - secs - (int(days) * 86400 if days else 0)
    except Exception:
        return None


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError as e:
        import errno
        return e.errno == errno.EPERM


def writer_alive(path):
    """Whether the process that writes this data file is still running.

    A recorder file: its writer holds a lock on it for as long as it lives.
    One of coverage's: its name's process is on this host, alive, and it
    started before the file was last written (a process that took the pid of
    a dead writer started after the writer's last write).
    """
    name = os.path.basename(path)
    if is_recorder(name):
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return False
        try:
            os.lockf(fd, os.F_TEST, 0)
            return False
        except OSError:
            return True
        finally:
            os.close(fd)
    host, pid = writer_of(name)
    if pid is None or not _same_host(host) or pid == os.getpid() or not _alive(pid):
        return False
    started = _started(pid)
    if started is None:
        return True
    try:
        written = os.stat(path).st_mtime
    except OSError:
        return False
    # The clock of a process's start has a tick's resolution (10 ms).
    return started <= written + 0.05


def read_recorder(path):
    """A recorder file as (context or None, {path: set(lines)}, pieces not whole).

    Tolerates a file whose last records were being written when its process
    died, and one that is still growing: only whole records count. Raises
    RecError for a file that is not a recorder file of a known format.
    """
    with open(path, "rb") as f:
        data = f.read()
    n = len(data) // 8
    if n < 8 or data[:8] != REC_MAGIC:
        if not data.strip(b"\0"):
            return None, {}, 0  # created, killed before its first record
        raise RecError("not a covshim recorder file")
    order = "<"
    if struct.unpack("<Q", data[8:16])[0] != REC_BOM:
        order = ">"
        if struct.unpack(">Q", data[8:16])[0] != REC_BOM:
            raise RecError("unknown byte order")
    version, head = struct.unpack(order + "II", data[16:24])
    if version != 1:
        raise RecError("recorder format %d, newer than this covshim" % version)
    try:
        from array import array
        slots = array("Q")
        slots.frombytes(data[head * 8:n * 8])
        if (order == "<") != (sys.byteorder == "little"):
            slots.byteswap()
    except (ImportError, ValueError, AttributeError):
        slots = struct.unpack(order + "%dQ" % (n - head), data[head * 8:n * 8])
    lines = {}
    pieces = {}
    lengths = {}
    for s in slots:
        kind = s & 0xFF
        if kind == 76:  # 'L': fid, line
            fid = (s >> 8) & 0xFFFF
            got = lines.get(fid)
            if got is None:
                got = lines[fid] = set()
            got.add(s >> 32)
        elif kind == 78:  # 'N': fid, piece number, 4 bytes of the name
            pieces.setdefault((s >> 8) & 0xFFFF, {})[(s >> 24) & 0xFF] = s >> 32
        elif kind == 70:  # 'F': fid, the name's length
            lengths[(s >> 8) & 0xFFFF] = s >> 32
    names = {}
    for fid, length in lengths.items():
        got = pieces.get(fid, {})
        want = (length + 3) // 4
        if all(j in got for j in range(want)):
            raw = b"".join(struct.pack("<I", got[j]) for j in range(want))[:length]
            names[fid] = raw.decode("utf-8", "surrogateescape") if sys.version_info[0] >= 3 else raw.decode("utf-8", "replace")
    context = names.pop(0, None)
    out = {}
    torn = 0
    for fid, ls in lines.items():
        name = names.get(fid)
        if name is None:
            torn += 1
            continue
        out.setdefault(name, set()).update(ls)
    return context, out, torn


def source_exists(path):
    """A measured file's source is there: the file, or the zip (egg, wheel) it is in (coverage's own rule)."""
    if os.path.exists(path):
        return True
    for ext in (".zip", ".whl", ".egg", ".pex", ".par"):
        base, found, _inner = path.partition(ext + os.sep)
        if found and os.path.exists(base + ext):
            return True
    return False


_REAL = {}


def _abs_file(p):
    # What coverage stores: realpath (coverage.files.abs_file).
    r = _REAL.get(p)
    if r is None:
        r = _REAL[p] = os.path.abspath(os.path.realpath(p))
    return r


def convert_recorders(paths, dest, keep=False):
    """Turns finished recorder files into one coverage.py data file `dest`.

    Returns (converted names, [[name, why], ...] unreadable). The recorder
    files are removed (unless `keep`) only once `dest` is written; a
    conversion cut short is done again by the next one (lines are a set:
    nothing counts twice).
    """
    by_context = {}
    done = []
    bad = []
    for p in paths:
        try:
            context, files, _torn = read_recorder(p)
        except (RecError, IOError, OSError) as e:
            bad.append([os.path.basename(p), str(e)])
            continue
        into = by_context.setdefault(context or "", {})
        for f, ls in files.items():
            into.setdefault(_abs_file(f), set()).update(ls)
        done.append(p)
    if not done:
        return [], bad
    if any(by_context.values()):
        from coverage import CoverageData
        tmp = dest + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        data = CoverageData(basename=tmp)
        for context in sorted(by_context):
            if by_context[context]:
                data.set_context(context or None)
                data.add_lines(by_context[context])
        data.write()
        if hasattr(data, "close"):
            data.close()
        # Not named .coverage.* until it is whole.
        os.rename(tmp, dest)
    if not keep:
        for p in done:
            os.unlink(p)
    return [os.path.basename(p) for p in done], bad
