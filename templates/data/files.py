# covshim's reading of an install's data directory, shared by the report
# driver (templates/agent/report.py) and the cluster hosts' agent
# (templates/agent/remote.py), which covshim runs with templates/data/rules.py
# and this text in front: which files are whose, whether their writer still
# runs, and the recorder's files (docs/recorder.md) turned into coverage.py
# data, with coverage's own decisions of which files count. Python 2.7 to
# 3.x (hosts may be GPDB 6); only 3.12+ processes write recorder files.
import os
import re
import struct
import sys

RECORDER_SUFFIX = ".covrec"
REC_MAGIC = b"covshimR"
REC_BOM = 0x0102030405060708
# Record kinds (templates/shim/recorder.py writes them).
REC_LINE, REC_NAME, REC_NAME_END = 76, 78, 70  # 'L', 'N', 'F'
# A name is "path NUL module name NUL spec name": coverage decides with
# them here (format 1, never published, named decided paths).
REC_FORMATS = (2,)
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


def abandoned(path):
    """A broken coverage data file that its named process does not have open.

    Nobody is writing it: its writer died mid-save and a live process took
    its pid (a long-lived postgres backend: pid_max is 32,768 on many
    machines), so it need not wait for the next report. Linux tells through
    /proc/PID/fd; where nothing tells (macOS), False: it waits as before.
    """
    _host, pid = writer_of(os.path.basename(path))
    if pid is None or _holds(pid, path) is not False:
        return False
    try:
        from coverage import CoverageData
        data = CoverageData(basename=path)
        data.read()
        data.measured_files()
        return False
    except Exception:
        return True


def _holds(pid, path):
    """Whether process `pid` has `path` open: True or False, or None where /proc cannot tell."""
    fds = "/proc/%d/fd" % pid
    try:
        names = os.listdir(fds)
    except OSError:
        return None  # no /proc, or another user's process
    target = os.path.realpath(path)
    for n in names:
        try:
            if os.readlink(os.path.join(fds, n)) == target:
                return True
        except OSError:
            pass
    return False


def writer_alive(path):
    """Whether the process that writes this data file is still running.

    A recorder file: its writer holds a lock on it for as long as it lives.
    One of coverage's: its name's process is on this host, alive, and it
    started before the file was last written (a process that took the pid of
    a dead writer started after the writer's last write). coverage closes
    its file between saves, so a live writer's whole file is its own until
    the writer ends; see abandoned() for a broken one.
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


def read_recorder(path, modules=None):
    """A recorder file as (context or None, {path: set(lines)}, pieces not whole).

    `modules`, a dict, gets each path's (module name, spec name) where the
    file records them (format 2).

    Tolerates a file whose last records were being written when its process
    died, and one that is still growing: only whole records count. Raises
    RecError for a file that is not a recorder file of a known format.
    """
    with open(path, "rb") as f:
        data = f.read()
    n = len(data) // 8
    if n < 8 or data[:8] not in (REC_MAGIC, REC_MAGIC[::-1]):  # written in the machine's byte order
        if not data.strip(b"\0"):
            return None, {}, 0  # created, killed before its first record
        raise RecError("not a covshim recorder file")
    order = "<"
    if struct.unpack("<Q", data[8:16])[0] != REC_BOM:
        order = ">"
        if struct.unpack(">Q", data[8:16])[0] != REC_BOM:
            raise RecError("unknown byte order")
    # One 8-byte slot: the format in its low half, the header's slots in its high.
    word = struct.unpack(order + "Q", data[16:24])[0]
    version, head = word & 0xFFFFFFFF, word >> 32
    if version not in REC_FORMATS:
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
        if kind == REC_LINE:  # fid, line
            fid = (s >> 8) & 0xFFFF
            got = lines.get(fid)
            if got is None:
                got = lines[fid] = set()
            got.add(s >> 32)
        elif kind == REC_NAME:  # fid, piece number, 4 bytes of the name (a number in the file's byte order)
            pieces.setdefault((s >> 8) & 0xFFFF, {})[(s >> 24) & 0xFF] = s >> 32
        elif kind == REC_NAME_END:  # fid, the name's length
            lengths[(s >> 8) & 0xFFFF] = s >> 32
    names = {}
    for fid, length in lengths.items():
        got = pieces.get(fid, {})
        want = (length + 3) // 4
        if all(j in got for j in range(want)):
            raw = b"".join(struct.pack(order + "I", got[j]) for j in range(want))[:length]
            names[fid] = raw.decode("utf-8", "surrogateescape") if sys.version_info[0] >= 3 else raw.decode("utf-8", "replace")
    context = names.pop(0, None)
    out = {}
    torn = 0
    for fid, name in names.items():
        parts = name.split("\0")
        names[fid] = parts[0]
        if modules is not None and len(parts) == 3:
            # Also a module that ran no line (an empty __init__.py): it was imported.
            modules.setdefault(parts[0], (parts[1], parts[2]))
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


def convert_recorders(paths, dest, rcfile, keep=False):
    """Turns finished recorder files into one coverage.py data file `dest`.

    Which files count, and under which name, is coverage's decision under
    `rcfile` (templates/data/rules.py), as is the list of never-run source
    files, touched at 0% as a measuring coverage.py touches them. Returns
    (converted names, [[name, why], ...] unreadable). The recorder files are
    removed (unless `keep`) only once `dest` is written; a conversion cut
    short is done again by the next one (lines are a set: nothing counts twice).
    """
    by_context = {}
    done = []
    bad = []
    rules = None
    imported = {}  # module name -> its file, for every module the processes imported
    for p in paths:
        modules = {}
        try:
            context, files, _torn = read_recorder(p, modules)
        except (RecError, IOError, OSError) as e:
            bad.append([os.path.basename(p), str(e)])
            continue
        if modules and rules is None:
            rules = FileRules(rcfile)
        for f, (name, spec) in modules.items():
            for m in (name, spec):
                if m:
                    imported.setdefault(m, f)
        into = by_context.setdefault(context or "", {})
        for f, ls in files.items():
            name, spec = modules.get(f, (None, None))
            src = rules.source_file(f, name, spec)
            if src is not None:
                into.setdefault(src, set()).update(ls)
        done.append(p)
    if not done:
        return [], bad
    never_run = rules.unexecuted(imported) if rules is not None else []
    if never_run or any(by_context.values()):
        from coverage import CoverageData
        tmp = dest + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        data = CoverageData(basename=tmp)
        for context in sorted(by_context):
            if by_context[context]:
                data.set_context(context or None)
                data.add_lines(by_context[context])
        if never_run:
            data.touch_files(never_run)
        data.write()
        if hasattr(data, "close"):
            data.close()
        # Not named .coverage.* until it is whole.
        os.rename(tmp, dest)
    if not keep:
        for p in done:
            os.unlink(p)
    return [os.path.basename(p) for p in done], bad


def combine_files(cov, folder, names, rcfile, aside, keep=False, dest_name=None):
    """covshim's one combine: locally (report.py) and on hosts (remote.py's pack).

    The data files `names` of `folder` go into `cov`'s data file, saved.
    covshim's recorder files become one coverage.py file first
    (convert_recorders). A file coverage cannot read is tried once more a
    second later (a writer we do not know of may still have been finishing
    it), then set aside in `aside`, kept and named. `keep`: the files stay
    (a host keeps them until the tool has the result). Returns a dict:
    files (what the processes wrote: a recorder's files count, not the file
    made of them), unreadable [[name, why], ...], warnings (coverage's, but
    those of files read on the second try).
    """
    import time
    import warnings
    said = []
    own_warn = cov.__dict__.get("_warn")
    # coverage 5 writes its warnings straight to stderr: keep them, to name the files.
    cov._warn = lambda msg, slug=None, once=False: said.append(str(msg))

    def attempt(ns):
        del said[:]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cov.combine(data_paths=[os.path.join(folder, n) for n in ns], strict=False, keep=keep)
            cov.save()
        msgs = said + [str(w.message) for w in caught]
        # coverage deletes what it combined: what is left, it could not read
        # (with keep, the files it named).
        return msgs, [n for n in ns if (any(n in m for m in msgs) if keep else os.path.exists(os.path.join(folder, n)))]

    try:
        converted, bad = [], []
        recs = [n for n in names if is_recorder(n)]
        if recs:
            dest = os.path.join(folder, dest_name or ".coverage.covshim-rec.pid%d.X%sx" % (os.getpid(), "".join("%02x" % b for b in bytearray(os.urandom(4)))))
            converted, bad = convert_recorders([os.path.join(folder, n) for n in recs], dest, rcfile, keep=keep)
        # With the file made of the recorder's (and any a conversion cut short left).
        plain = sorted(n for n in os.listdir(folder) if n.startswith(".coverage.") and not is_recorder(n) and os.path.isfile(os.path.join(folder, n)) and (n in names or n.startswith(".coverage.covshim-rec.")))
        msgs, left = attempt(plain) if plain else ([], [])
        recovered = []
        if left:
            time.sleep(1)
            again, still = attempt(left)
            recovered = [n for n in left if n not in still]
            msgs, left = msgs + again, still
    finally:
        if own_warn is None:
            del cov._warn
        else:
            cov._warn = own_warn
    unreadable = list(bad)
    for n in left:
        why = [m for m in msgs if n in m]
        unreadable.append([n, (why[0].strip().splitlines() or ["not combined"])[0] if why else "not combined"])
    for n, _why in unreadable:
        if not os.path.isdir(aside):
            os.makedirs(aside, 0o700)
        os.rename(os.path.join(folder, n), os.path.join(aside, n))
    ours = [n for n in plain if n.startswith(".coverage.covshim-rec.")]
    return {
        "files": len([n for n in plain if n not in ours and n not in left]) + len(converted),
        "unreadable": unreadable,
        "warnings": [m for m in msgs if not any(n in m for n in recovered)],
    }
