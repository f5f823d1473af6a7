# covshim's shim module, covshim's recorder (Python 3.12 and newer): records which
# lines of the install's source run, on sys.monitoring (PEP 669), without
# importing coverage.py in the measured process. Each newly run line goes
# straight into a memory-mapped file of this process (docs/recorder.md has
# the format), so there is nothing to save at exit and nothing to lose
# however the process ends: exit, os._exit, exec, SIGTERM, SIGKILL. Nothing
# of the program is patched or handled: no signal handler, no wrapped
# function, no changed lock; a fork child, through os.register_at_fork, maps
# a file of its own. Which files are recorded follows coverage.py's own rules
# (coverage/inorout.py) for the settings covshim writes, decided once per
# code object; reports turn the files into coverage.py data
# (templates/datafiles.py). guard.py calls this; it returns False where it
# does not apply, and coverage.py's starter runs instead. Compiles on Python
# 2.7 too (a PYTHONPATH directory can be shared with an older interpreter).

def record(datadir, log, cfg):
    import sys
    mon = getattr(sys, "monitoring", None)
    # The paths below are this interpreter's: another one sharing the
    # install's PYTHONPATH directory gets coverage.py.
    if mon is None or sys.prefix != cfg["prefix"] or "%d.%d" % sys.version_info[:2] != cfg["version"]:
        return False
    mods = sys.modules
    started = mods.get("coverage")
    if started is not None and getattr(getattr(started, "process_startup", None), "coverage", None) is not None:
        # coverage.py measures this process already: its own a1_coverage.pth
        # ran before the shim. Recording too would count the process twice.
        return False
    for t in (3, 4):
        if mon.get_tool(t) == "covshim":
            # Already recording: site.py can read the same .pth twice (a
            # venv's lib64 link to lib), and coverage's after it twice.
            stand_in(sys, mods, cfg)
            return True
    tool = None
    for t in (3, 4):
        # 0, 1, 2 and 5 are the debugger's, coverage.py's, profilers' and
        # optimizers' by convention; covshim takes a free one of the others.
        try:
            mon.use_tool_id(t, "covshim")
            tool = t
            break
        except ValueError:
            pass
    if tool is None:
        log("recorder", "sys.monitoring tool ids 3 and 4 are both taken: coverage.py measures this process")
        return False
    try:
        return arm_recorder(sys, mon, tool, mods, datadir, log, cfg)
    except Exception as e:
        try:
            mon.set_events(tool, 0)
            mon.free_tool_id(tool)
        except Exception:
            pass
        log("recorder", "not started (%s: %s): coverage.py measures this process" % (type(e).__name__, e))
        return False


def arm_recorder(sys, mon, tool, mods, datadir, log, cfg):
    import os
    from _thread import RLock
    path = os.path
    env = os.environ
    E = mon.events
    DISABLE = mon.DISABLE
    LINE = E.LINE
    CHUNK = 65536  # bytes of the file mapped at a time: 8,192 slots of 8 bytes
    MAGIC = int.from_bytes(b"covshimR", "little")
    BOM = 0x0102030405060708
    sep = os.sep

    # -- Which files: coverage.py's rules (InOrOut.should_trace) ---------------
    rdirs = {}

    def realdir(d):
        r = rdirs.get(d)
        if r is None:
            r = rdirs[d] = path.realpath(d)
        return r

    def canonical(f):
        # coverage's canonical_filename (a relative name is looked for on
        # [curdir] + sys.path) and abs_file (realpath): the directory's real
        # path is asked once per directory, the file's own link once per file.
        if not path.isabs(f):
            for p in [os.curdir] + sys.path:
                g = path.join(p, f)
                if path.exists(g):
                    f = g
                    break
            f = path.abspath(f)
        d, b = path.split(f)
        full = path.join(realdir(d), b)
        return path.realpath(full) if path.islink(full) else full

    def real(p):
        return path.realpath(path.abspath(p))

    def under(f, trees):
        for p in trees:
            if f.startswith(p) and (f == p or f[len(p)] == sep):
                return True
        return False

    src_dirs = []
    src_pkgs = []
    for s in cfg["source"]:
        if path.isdir(s):
            src_dirs.append(real(s))
        else:
            src_pkgs.append(s)
    pylib = cfg["pylib"]
    # Most files a process starts are the standard library's, which nothing
    # links out of: taken as its own from the path as given, without asking
    # for real paths, where no source setting could reach into it.
    stdlib = tuple(p + sep for p in pylib) if not src_pkgs and not any(under(d, pylib) for d in src_dirs) else ()
    cover = cfg["cover"]
    known = {"path": None, "third": [], "in_third": []}
    venvs = dict(cfg["venv"])

    def third():
        # Third-party places depend on sys.path (a directory of a venv on it
        # is one), which test runners change: asked again when it changed.
        if sys.path != known["path"]:
            known["path"] = list(sys.path)
            t = list(cfg["third"])
            for d in sys.path:
                # The probe's answer for the directories it saw (cfg["venv"]:
                # the real path, or "" for one in no venv); the others asked.
                v = venvs.get(d)
                if v is None and path.exists(d):
                    v = ""
                    x = d
                    while True:
                        x = path.dirname(x)
                        if x == path.dirname(x):
                            break
                        if path.exists(path.join(x, "pyvenv.cfg")):
                            v = real(d)
                            break
                    venvs[d] = v
                if v:
                    t.append(v)
            known["third"] = t
            known["in_third"] = [d for d in src_dirs if under(d, t)]
        return known["third"]

    suffixes = []
    if src_pkgs:
        import _imp
        suffixes = sorted(set([".py", ".pyc"] + list(_imp.extension_suffixes())), key=lambda s: (-len(s), s))

    def modname(f, frame):
        # coverage's name_for_module (inspect.getmodulename without inspect).
        g = frame.f_globals if frame is not None else {}
        n = g.get("__name__", None)
        if isinstance(n, str) and n != "__main__":
            return n
        spec = g.get("__spec__", None)
        if spec:
            full = spec.name
            if isinstance(full, str) and full != "__main__":
                return full
        b = path.basename(f)
        for s in suffixes:
            if b.endswith(s):
                return b[: -len(s)]
        return n

    def in_pkgs(m):
        for p in src_pkgs:
            if m.startswith(p) and (m == p or m[len(p)] == "."):
                return True
        return False

    # --omit: coverage's prep_patterns and globs_to_regex. A plain path and a
    # directory's "/*" are compared as strings; other patterns become
    # coverage's regular expression (re is imported only for them).
    exact, prefixes, globs = set(), [], []
    for p in cfg["omit"]:
        for q in [p] if p.startswith(("*", "?")) else [p, real(p)]:
            q = q.replace("\\", "/")
            lit = q[:-2] if q.endswith("/*") else q
            if "/" in q and not any(c in lit for c in "*?[]"):
                if q.endswith("/*"):
                    prefixes.append(lit + "/")
                else:
                    exact.add(lit)
            else:
                globs.append(q)
    rx = None
    if globs:
        import re
        rx = re.compile("(?:%s)\\Z" % "|".join("(?:%s)" % glob_regex(g) for g in globs))

    def omitted(f):
        g = f.replace("\\", "/")
        if g in exact:
            return True
        for p in prefixes:
            if g.startswith(p):
                return True
        return rx is not None and rx.match(f) is not None

    def decide(f0, frame):
        if f0.startswith("<"):
            return 0
        f = f0
        g = frame.f_globals if frame is not None else None
        dunder = g and g.get("__file__")
        if dunder:
            # A moved .pyc: __file__ is where it was loaded from.
            f = str(dunder)
            if f.endswith((".pyc", ".pyo")):
                f = f[:-1]
            if path.basename(f0) != path.basename(f):
                f = f0
        if not f or f.startswith("memory:") or f.startswith("<") or f.startswith(stdlib):
            return 0
        c = canonical(f)
        if src_dirs or src_pkgs:
            by_pkg = False
            if src_pkgs:
                m = modname(c, frame)
                by_pkg = isinstance(m, str) and in_pkgs(m)
            if not by_pkg and not (src_dirs and under(c, src_dirs)):
                return 0
            # A source package is taken where it is imported from (coverage
            # asks importlib where that is: the same place).
            if not by_pkg and under(c, third()) and not under(c, known["in_third"]):
                return 0
        elif under(c, cover) or under(c, third()) or under(c, pylib):
            return 0
        if omitted(c):
            return 0
        try:
            name = c.encode("utf-8")
        except UnicodeError:
            return 0
        if len(name) > 1024:
            log("recorder", "not recorded, its path is longer than 1024 bytes: %s" % c)
            return 0
        fid = next(fids)
        if fid > 0xFFFF:
            log("recorder", "more than 65,535 files in one process; not recorded: %s" % c)
            return 0
        names[fid] = name
        w["name"](fid, name)
        return (fid << 8) | 76  # 'L'

    tagged = {}  # co_filename -> a line record's fid and kind, or 0: not recorded
    names = {}  # fid -> path, written again into a fork child's own file
    fids = iter(range(1, 1 << 31))
    w = {}

    def context():
        if not cfg["contexts"]:
            return None
        c = env.get("COVSHIM_CONTEXT")
        if not c:
            # A program a pytest test starts is named after that test.
            t = env.get("PYTEST_CURRENT_TEST")
            c = t.rsplit(" (", 1)[0] if t else ""
        return c.encode("utf-8", "replace")[:1024] if c else None

    # -- The file: one per process, mapped, each record one 8-byte store -------
    def arm(inherited, ctx):
        slot = iter(range(8, 1 << 62))  # next() is atomic: every record its own slot
        maps = {}  # chunk number -> its mapping, as 8-byte slots
        mms = []
        st = {"fd": -1}
        lock = RLock()

        def put(rec):
            i = next(slot)
            try:
                maps[i >> 13][i & 8191] = rec
            except KeyError:
                put_slow(i, rec)

        def put_slow(i, rec):
            try:
                with lock:
                    if st["fd"] < 0 and not create():
                        return
                    k = i >> 13
                    m = maps.get(k)
                    if m is None:
                        m = chunk(k)
                m[i & 8191] = rec
            except Exception as e:
                stop("%s: %s" % (type(e).__name__, e))

        def chunk(k):
            mmap = st.get("mmap")
            if mmap is None:
                # The program's sys.modules stays its own (mmap is the one
                # module the recorder adds to a process's start).
                had = "mmap" in mods
                import mmap
                if not had:
                    mods.pop("mmap", None)
                st["mmap"] = mmap
            fd = st["fd"]
            end = (k + 1) * CHUNK
            if os.fstat(fd).st_size < end:
                # Blocks reserved now: a full disk is an error here, not a
                # SIGBUS when the page is first written.
                try:
                    os.posix_fallocate(fd, k * CHUNK, CHUNK)
                except (AttributeError, OSError):
                    # macOS has no posix_fallocate; some filesystems refuse it.
                    os.pwrite(fd, bytes(CHUNK), k * CHUNK)
            mm = mmap.mmap(fd, CHUNK, offset=k * CHUNK)
            mms.append(mm)
            v = maps[k] = memoryview(mm).cast("Q")
            return v

        def create():
            pid = os.getpid()
            host = os.uname()[1].replace(".", "_") or "localhost"
            name = path.join(datadir, ".coverage.%s.pid%d.X%sx.covrec" % (host, pid, os.urandom(4).hex()))
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            # Held while this process lives (released by exit, kill or exec,
            # never inherited by a fork child): `report` leaves a file whose
            # lock is held for the next one.
            os.lockf(fd, os.F_TLOCK, 0)
            st["fd"] = fd
            h = chunk(0)
            h[1] = BOM
            h[2] = 1 | (8 << 32)  # format version, header slots
            h[3] = pid | (CHUNK << 32)
            import time
            h[4] = time.time_ns()
            h[0] = MAGIC
            if ctx:
                w["name"](0, ctx)
            if inherited:
                for fid in sorted(names):
                    w["name"](fid, names[fid])
            return True

        def name(fid, b):
            # N slots carry 4 bytes each with their place, F the length: whole
            # once every piece is there, however threads interleave.
            base = 78 | (fid << 8)  # 'N'
            for j in range(0, len(b), 4):
                put(base | ((j >> 2) << 24) | (int.from_bytes(b[j:j + 4], "little") << 32))
            put(70 | (fid << 8) | (len(b) << 32))  # 'F'

        def on_start(code, offset):
            f = code.co_filename
            t = tagged.get(f)
            if t is None:
                try:
                    t = decide(f, sys._getframe(1))
                except Exception as e:
                    log("recorder", "%s: %s: %s" % (f, type(e).__name__, e))
                    t = 0
                tagged[f] = t
            if t and code.co_name != "__annotate__":
                mon.set_local_events(tool, code, LINE)
            return DISABLE

        def on_line(code, line):
            i = next(slot)
            try:
                maps[i >> 13][i & 8191] = (line << 32) | tagged[code.co_filename]
            except KeyError:
                put_slow(i, (line << 32) | tagged.get(code.co_filename, 0))
            except Exception:
                pass
            return DISABLE

        w["name"] = name
        w["st"] = st
        mon.register_callback(tool, E.PY_START, on_start)
        mon.register_callback(tool, LINE, on_line)

    def stop(why):
        try:
            mon.set_events(tool, 0)
        except Exception:
            pass
        log("recorder", "stopped recording: %s" % why)

    def child():
        # A fork child records into a file of its own; the parent's mapping
        # is left alone. Lines the parent ran are in the parent's file; with
        # contexts each line is recorded again under the child's.
        try:
            fd = w["st"]["fd"]
            if fd >= 0:
                os.close(fd)
            arm(True, context())
            if cfg["contexts"]:
                mon.restart_events()
        except Exception as e:
            stop("%s: %s" % (type(e).__name__, e))

    arm(False, context())
    stand_in(sys, mods, cfg)
    os.register_at_fork(after_in_child=child)
    mon.set_events(tool, E.PY_START)
    return True


def stand_in(sys, mods, cfg):
    # coverage's own a1_coverage.pth, later in this site directory, would
    # import coverage (60-100 ms) and start it in every process that has
    # COVERAGE_PROCESS_START. For this process it gets a stand-in whose
    # process_startup() does nothing and removes it; anything else of it is
    # the real coverage.
    import os
    env = os.environ
    if "coverage" in mods or not (env.get("COVERAGE_PROCESS_START") or env.get("COVERAGE_PROCESS_CONFIG")):
        return
    if not any(os.path.exists(p) for p in cfg["a1"]):
        return
    M = type(sys)

    class StandIn(M):
        def __getattr__(self, name):
            if mods.get("coverage") is self:
                del mods["coverage"]
            import coverage
            return getattr(coverage, name)

    # Its __spec__ stays None: `import coverage` asks for it, and must get
    # the stand-in, not the real module.
    s = StandIn("coverage")

    def process_startup(*args, **kwargs):
        if mods.get("coverage") is s:
            del mods["coverage"]

    s.process_startup = process_startup
    mods["coverage"] = s


def glob_regex(pattern):
    # coverage's _glob_to_regex (coverage/files.py), token for token.
    p = pattern.replace("\\", "/")
    if "/" not in p:
        p = "**/" + p
    SEP = "[/\\\\]"
    out = []
    i = 0
    n = len(p)
    word = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
    while i < n:
        rest = p[i:]
        j = 0
        while j < len(rest) and rest[j] != "/":
            j += 1
        seg = rest[:j]
        # Refused as coverage refuses them: ***, x**, **x, **/**.
        if rest.startswith("***") or "**" in seg[1:] or (seg.startswith("**") and len(seg) > 2) or rest.startswith("**/**"):
            raise ValueError("File pattern can't include %r" % pattern)
        if i == 0 and seg and not seg.strip("*") and rest[j:j + 1] == "/":
            out.append("(.*%s)?" % SEP)
            i += j + 1
        elif rest.startswith("/") and len(rest) > 1 and not rest[1:].strip("*"):
            out.append(SEP + ".*")
            i = n
        elif rest.startswith("**/"):
            out.append("(.*%s)?" % SEP)
            i += 3
        elif rest[0] == "/":
            out.append(SEP)
            i += 1
        elif rest[0] == "*":
            out.append("[^/\\\\]*")
            i += 1
        elif rest[0] == "?":
            out.append("[^/\\\\]")
            i += 1
        elif rest[0] == "[" and "]" in rest[1:]:
            k = rest.index("]", 1)
            out.append(rest[:k + 1])
            i += k + 1
        elif rest[0] in word:
            k = 1
            while k < len(rest) and rest[k] in word:
                k += 1
            out.append(rest[:k])
            i += k
        elif rest[0] in "[]":
            raise ValueError("File pattern can't include %r" % pattern)
        else:
            out.append("\\" + rest[0])
            i += 1
    return "".join(out)
