# covshim's recorder (Python 3.12 and newer; guard.py loads this module only
# there): records which lines run on sys.monitoring (PEP 669), without
# importing coverage.py in the measured process. Each newly run line goes
# straight into a memory-mapped file of this process (docs/recorder.md has the
# format), so nothing is lost however the process ends, and nothing of the
# program is patched or handled: no signal handler, no wrapped function, no
# changed lock; a fork child maps a file of its own (os.register_at_fork).
#
# Which files: only a bound is decided here, from what the install's own
# coverage answered at enable (its source directories, or the places it never
# measures: the standard library, third-party places, itself). coverage.py
# decides the rest (omit, third-party sources, module names) at report time
# with its own should_trace (templates/data/rules.py), so the recorder keeps
# no copy of coverage's rules: each file's record carries what should_trace
# needs of the frame (the module's name).
import os
import sys
from _thread import RLock

CHUNK = 65536  # bytes mapped at a time: 8,192 slots of 8 bytes
SLOTS = CHUNK // 8
MAGIC = int.from_bytes(b"covshimR", "little")
BOM = 0x0102030405060708
FORMAT = 2  # 1: names were decided paths; 2: path NUL module-name NUL spec-name
LINE, NAME, NAME_END = 76, 78, 70  # record kinds 'L', 'N', 'F': templates/data/files.py's REC_LINE, REC_NAME, REC_NAME_END
MAX_FID = 0xFFFF


class Recorder:
    def __init__(self, mon, tool, datadir, log, cfg, context_name):
        self.mon, self.tool, self.datadir, self.log, self.cfg, self.context_name = mon, tool, datadir, log, cfg, context_name
        # coverage's source setting: a directory, else a package's name.
        self.roots = tuple(os.path.realpath(s) + os.sep for s in cfg["source"] if os.path.isdir(s))
        self.pkgs = tuple(s + "." for s in cfg["source"] if not os.path.isdir(s))  # "pkg.": a name + "." starts with it for pkg and within it
        self.skip = tuple(p + os.sep for p in cfg["skip"])
        self.realdirs = {}
        self.tagged = {}  # co_filename -> its line records' fid and kind, or 0: not recorded
        self.names = {}  # fid -> name record, written again into a fork child's file
        self.fids = iter(range(1, MAX_FID + 1))
        self.lock = RLock()
        self.mmap = None
        self.arm(inherited=False)

    # -- Which files: a bound; coverage.py decides within it at report time.
    def place(self, f):
        # Where the file is, for the bound: its directory's real path and its
        # name. The file itself is resolved by coverage at report time
        # (should_trace canonicalizes), so a link is looked at only where the
        # bound would leave the file out. A relative name is looked for on
        # [curdir] + sys.path, as coverage does.
        if not os.path.isabs(f):
            for p in [os.curdir] + sys.path:
                g = os.path.join(p, f)
                if os.path.exists(g):
                    f = g
                    break
            f = os.path.abspath(f)
        d, b = os.path.split(f)
        return os.path.join(self.realdir(d), b)

    def realdir(self, d):
        # One lstat per directory never seen, not one per component (realpath's).
        r = self.realdirs.get(d)
        if r is None:
            parent, base = os.path.split(d)
            if parent == d or not base:
                r = d
            elif base in (".", "..") or os.sep + "." in d:
                r = os.path.realpath(d)
            else:
                r = os.path.join(self.realdir(parent), base)
                if os.path.islink(r):
                    r = os.path.realpath(r)
            self.realdirs[d] = r
        return r

    def decide(self, f, frame):
        g = frame.f_globals if frame is not None else {}
        dunder = g.get("__file__")
        if dunder:
            # A moved .pyc: __file__ is where it was loaded from (as coverage).
            d = str(dunder)
            d = d[:-1] if d.endswith((".pyc", ".pyo")) else d
            if os.path.basename(d) == os.path.basename(f):
                f = d
        if not f or f.startswith(("<", "memory:")) or (self.skip and f.startswith(self.skip)):
            return 0
        c = self.place(f)
        name = g.get("__name__")
        spec = getattr(g.get("__spec__"), "name", None)
        if not self.within(c, name, spec):
            # A link from outside the bound to a file within it.
            if not os.path.islink(c) or not self.within(os.path.realpath(c), name, spec):
                return 0
        if not self.pkgs:
            # coverage.py reads a module's name only to match package sources.
            name = spec = None
        record = "\0".join([c, name if isinstance(name, str) else "", spec if isinstance(spec, str) else ""]).encode("utf-8", "surrogateescape")
        # A name's pieces are numbered in 8 bits (name()): 1,024 bytes at most.
        fid = next(self.fids, None) if len(record) <= 1024 else None
        if fid is None:
            self.log("recorder", "not recorded (more than 65,535 files in one process, or a name over 1,024 bytes): %s" % c)
            return 0
        self.names[fid] = record
        self.name(fid, record)
        return (fid << 8) | LINE

    def within(self, c, name, spec):
        if self.roots or self.pkgs:
            return (c + os.sep).startswith(self.roots) or any(isinstance(m, str) and (m + ".").startswith(self.pkgs) for m in (name, spec))
        return not c.startswith(self.skip)

    # -- The file: one per process, mapped, each record one 8-byte store.
    def arm(self, inherited):
        self.slot = iter(range(8, 1 << 62))  # next() is atomic: every record its own slot
        self.maps = {}  # chunk number -> its mapping, as 8-byte slots
        self.fd = -1
        self.inherited = inherited
        c = self.cfg["contexts"] and self.context_name()  # guard.py's rule
        self.ctx = c.encode("utf-8", "replace")[:1024] if c else None

    def put_slow(self, i, rec):
        try:
            with self.lock:
                if self.fd < 0:
                    self.create()
                m = self.maps.get(i // SLOTS) or self.chunk(i // SLOTS)
            m[i % SLOTS] = rec
        except Exception as e:
            self.stop("%s: %s" % (type(e).__name__, e))

    def chunk(self, k):
        if self.mmap is None:
            # The program's sys.modules stays its own (mmap is the one module
            # the recorder adds to a process's start).
            had = "mmap" in sys.modules
            import mmap
            if not had:
                sys.modules.pop("mmap", None)
            self.mmap = mmap
        if os.fstat(self.fd).st_size < (k + 1) * CHUNK:
            # Blocks reserved now: a full disk is an error here, not a SIGBUS
            # when the page is first written.
            try:
                os.posix_fallocate(self.fd, k * CHUNK, CHUNK)
            except (AttributeError, OSError):
                os.pwrite(self.fd, bytes(CHUNK), k * CHUNK)  # macOS; filesystems that refuse it
        m = self.maps[k] = memoryview(self.mmap.mmap(self.fd, CHUNK, offset=k * CHUNK)).cast("Q")
        return m

    def create(self):
        host = os.uname()[1].replace(".", "_") or "localhost"
        path = os.path.join(self.datadir, ".coverage.%s.pid%d.X%sx.covrec" % (host, os.getpid(), os.urandom(4).hex()))
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        # Held while this process lives (released by exit, kill or exec, not
        # inherited by a fork child): `report` leaves a file whose lock is held.
        os.lockf(fd, os.F_TLOCK, 0)
        self.fd = fd
        h = self.chunk(0)
        h[1] = BOM
        h[2] = FORMAT | (8 << 32)  # format, header slots (3-7 reserved)
        h[0] = MAGIC
        if self.ctx:
            self.name(0, self.ctx)
        if self.inherited:
            for fid in sorted(self.names):
                self.name(fid, self.names[fid])

    def name(self, fid, b):
        # N records carry 4 bytes each (a number in the machine's byte order,
        # as every slot) with their place, F the length: whole once every
        # piece is there, however threads interleave. Written in one loop (a
        # file's first line waits for its name).
        words = memoryview(b + bytes(-len(b) % 4)).cast("I")
        recs = [NAME | (fid << 8) | (j << 24) | (w << 32) for j, w in enumerate(words)]
        recs.append(NAME_END | (fid << 8) | (len(b) << 32))
        nxt, maps = self.slot.__next__, self.maps
        for rec in recs:
            i = nxt()
            try:
                maps[i // SLOTS][i % SLOTS] = rec
            except KeyError:
                self.put_slow(i, rec)

    # -- sys.monitoring's callbacks: closures over what they use, no
    # attribute lookups (a line's first run costs one call of on_line).
    def on_start(self):
        tagged, decide, log, getframe = self.tagged, self.decide, self.log, sys._getframe
        set_local, tool, LINE, DISABLE = self.mon.set_local_events, self.tool, self.mon.events.LINE, self.mon.DISABLE

        def on_start(code, offset):
            f = code.co_filename
            t = tagged.get(f)
            if t is None:
                try:
                    t = decide(f, getframe(1))
                except Exception as e:
                    log("recorder", "%s: %s: %s" % (f, type(e).__name__, e))
                    t = 0
                tagged[f] = t
            if t and code.co_name != "__annotate__":
                set_local(tool, code, LINE)
            return DISABLE
        return on_start

    def on_line(self):
        # A fork child gets a new one (in_child), with its own slots and maps.
        nxt, maps, tagged, slow, DISABLE = self.slot.__next__, self.maps, self.tagged, self.put_slow, self.mon.DISABLE

        def on_line(code, line):
            i = nxt()
            try:
                maps[i >> 13][i & 8191] = (line << 32) | tagged[code.co_filename]  # SLOTS: 8192
            except KeyError:
                slow(i, (line << 32) | tagged.get(code.co_filename, 0))
            except Exception:
                pass
            return DISABLE
        return on_line

    def stop(self, why):
        try:
            self.mon.set_events(self.tool, 0)
        except Exception:
            pass
        self.log("recorder", "stopped recording: %s" % why)

    def in_child(self):
        # Lines the parent ran are in the parent's file; this process records
        # into one of its own, and with contexts records every line again
        # under its own context.
        try:
            if self.fd >= 0:
                os.close(self.fd)
            self.arm(inherited=True)
            self.mon.register_callback(self.tool, self.mon.events.LINE, self.on_line())
            if self.cfg["contexts"]:
                self.mon.restart_events()
        except Exception as e:
            self.stop("%s: %s" % (type(e).__name__, e))


def record(datadir, log, cfg, context_name):
    # Starts recording; False where it does not apply (coverage.py measures then).
    mon = sys.monitoring
    started = sys.modules.get("coverage")
    if started is not None and getattr(getattr(started, "process_startup", None), "coverage", None) is not None:
        # coverage.py measures this process already (its own a1_coverage.pth
        # ran before the shim): recording too would count the process twice.
        return False
    if mon.get_tool(3) == "covshim" or mon.get_tool(4) == "covshim":
        # Already recording: site.py can read the same .pth twice.
        return True
    tool = next((t for t in (3, 4) if mon.get_tool(t) is None), None)
    if tool is None:
        # 0, 1, 2 and 5 are the debugger's, coverage.py's, profilers' and
        # optimizers' by convention; covshim takes a free one of the others.
        log("recorder", "sys.monitoring tool ids 3 and 4 are both taken: coverage.py measures this process")
        return False
    mon.use_tool_id(tool, "covshim")
    try:
        r = Recorder(mon, tool, datadir, log, cfg, context_name)
        mon.register_callback(tool, mon.events.PY_START, r.on_start())
        mon.register_callback(tool, mon.events.LINE, r.on_line())
        os.register_at_fork(after_in_child=r.in_child)
        mon.set_events(tool, mon.events.PY_START)
        return True
    except Exception as e:
        mon.set_events(tool, 0)
        mon.free_tool_id(tool)
        log("recorder", "not started (%s: %s): coverage.py measures this process" % (type(e).__name__, e))
        return False
