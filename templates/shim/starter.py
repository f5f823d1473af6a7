# covshim's shim module, coverage.py's starter: starts coverage.py in this
# process, where covshim's own recorder does not apply (Python before 3.12,
# --branch, an explicit --core, --rcfile; guard.py decides), and saves what
# it measured however the process ends (docs/reliability.md), for every
# coverage version alike (covshim's coveragerc has no `patch` setting):
#
# - exit: coverage's own atexit save;
# - os._exit, exec: saved first (os._exit, os.execv and os.execve wrapped
#   without a frame of covshim's in a failed exec's traceback);
# - a fork child keeps the parent's instance running and takes it as its
#   own (a data file of its own) only once it has run a line the parent had
#   not: a child that only execs (subprocess on Python 2.7, gppylib's
#   WorkerPool) starts nothing, saves nothing and scans no source tree;
# - SIGTERM, or any signal: no handler. A Python-level handler cannot be
#   made to never lose or delay a signal (CPython forgets one caught in a
#   fork child's first instants; glibc's sem_wait swallows the wake-up; one
#   that lands just before a blocking call waits for the call to return),
#   and each of those left a process alive that should have died. Instead a
#   multiprocessing child saves its new lines whenever it hands something to
#   another process (a result, an event, a message): a pool's workers, a
#   child its parent terminates once told, lose nothing they reported.
#
# Nothing here may break the program or write on its output. Python 2.7 to 3.x.
import os

# The process's one coverage instance of its own (an instance inherited
# through fork is the parent's), and the lines it has saved (file -> set).
STATE = {"cov": None, "log": None, "seen": {}, "forked": None}


def start_coverage(datadir, log, context_name):
    STATE["log"] = log
    keep_multiprocessing_out()
    try:
        import coverage
    except ImportError as e:
        # Silent when coverage is simply absent (another Python sharing PYTHONPATH).
        if getattr(e, "name", "coverage") not in ("coverage", None):
            one_line(e)
        return
    except Exception as e:
        one_line(e)
        return
    try:
        prepare(coverage)
        named_start(coverage, context_name())
        if STATE["cov"] is None:
            # Started before this shim ran (coverage's own a1_coverage.pth runs
            # with the site-packages, before sitecustomize): adopt that instance.
            cur = getattr(coverage.Coverage, "current", None)
            cov = (cur() if cur else None) or getattr(coverage.process_startup, "coverage", None)
            if cov is not None:
                cov._covshim_pid = os.getpid()
                STATE["cov"] = cov
        if STATE["cov"] is None:
            return
        save_before_ending()
        after_fork()
        import sys
        if "--multiprocessing-fork" in (getattr(sys, "argv", None) or ()):
            # A spawn child of multiprocessing, which imports it next.
            hand_over_saves(spawned=True)
    except Exception as e:
        one_line(e)
        try:
            # coverage's own a1_coverage.pth (7.13+) would try again and
            # print a traceback: mark start-up as done so it stays quiet.
            coverage.process_startup.coverage = None
        except Exception:
            pass


# Signals whose default action ends the process. One that lands while a save
# writes the data file would leave it torn (a pool's parent terminates a
# worker that is saving before its next result): held, not handled, for the
# few milliseconds of the save, then delivered as it would have been. The
# process's signal dispositions stay its own; a held signal is never lost.
# (Per thread: a process whose other threads do not block them can still be
# ended mid-save.)
HELD = ("SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2")


def hold_signals():
    try:
        import signal
        nums = [getattr(signal, n) for n in HELD if hasattr(signal, n)]
        mask = getattr(signal, "pthread_sigmask", None)
        if mask is not None:
            return ("py", mask(signal.SIG_BLOCK, nums))
        return ("c",) + c_sigmask(0, nums)  # Python 2.7: libc's, through ctypes
    except Exception:
        return None


def release_signals(held):
    if held is None:
        return
    try:
        if held[0] == "py":
            import signal
            signal.pthread_sigmask(signal.SIG_SETMASK, held[1])
        else:
            c_sigmask(2, None, held[1])
    except Exception:
        pass


def c_sigmask(how, nums, old=None):
    # Python 2.7 only (3.3+ has signal.pthread_sigmask).
    # pthread_sigmask(how, set, oldset): SIG_BLOCK is 0 and SIG_SETMASK 2 on
    # Linux; macOS's are 1 and 3. A sigset_t buffer large enough for either.
    import ctypes
    import sys
    libc = ctypes.CDLL(None)
    darwin = sys.platform == "darwin"
    if old is not None:
        libc.pthread_sigmask(how + (1 if darwin else 0), old, None)
        return ()
    new = ctypes.create_string_buffer(128)
    saved = ctypes.create_string_buffer(128)
    bits = 0
    for n in nums:
        bits |= 1 << (n - 1)
    for i in range(8):
        new[i] = chr((bits >> (8 * i)) & 0xFF)
    if libc.pthread_sigmask(how + (1 if darwin else 0), new, saved) != 0:
        raise OSError("pthread_sigmask")
    return (saved,)


def one_line(e):
    try:
        import sys
        text = (str(e).strip().splitlines() or [""])[0][:300]
        sys.stderr.write("covshim: coverage not started (%s: %s)\n" % (type(e).__name__, text))
    except Exception:
        pass


def lines_held(cov):
    """How much coverage holds unsaved: (files, lines). It only grows until a save."""
    data = getattr(getattr(cov, "_collector", None), "data", None) or {}
    # map, not a generator: it runs in every fork child (and at each exec
    # that subprocess tries along PATH), where coverage's Python tracer
    # (Python 2.7) would be called at every resumption of a generator.
    return len(data), sum(map(len, list(data.values())))


def mine():
    """This process's coverage instance, or None.

    A fork child's is the parent's, still running: it becomes the child's
    own (a data file named for the child) once the child has run a line it
    did not hold at the fork; until then there is nothing of the child's to
    save (its lines are the parent's, which the parent saves).
    """
    cov = STATE["cov"]
    if cov is None:
        return None
    if getattr(cov, "_covshim_pid", None) == os.getpid():
        return cov
    if lines_held(cov) == STATE["forked"]:
        return None
    cov._covshim_pid = os.getpid()
    if hasattr(cov, "_init_data"):
        cov._data = None
        cov._init_data(suffix=True)
        col = getattr(cov, "_collector", None)
        if col is not None and hasattr(col, "use_data"):
            col.use_data(cov._data, getattr(cov.config, "context", None))
    return cov


def save_mine():
    cov = mine()
    if cov is not None:
        cov.save()  # safe_save: never raises


def prepare(coverage):
    # Class-level, so that the instances coverage makes after a fork or in a
    # multiprocessing child behave the same.
    C = coverage.Coverage
    if getattr(C, "_covshim", False):
        return
    C._covshim = True
    save = C.save
    log = STATE["log"]

    def safe_save(self):
        # An instance started in another process (inherited through fork)
        # would write the parent's data file, from every child at once:
        # never. It saves once the child has taken it as its own (mine()).
        if getattr(self, "_covshim_pid", None) not in (None, os.getpid()) and (self is not STATE["cov"] or mine() is None):
            return
        # An unwritable or full data directory must not print a traceback at exit.
        held = hold_signals()
        try:
            save(self)
        except Exception as e:
            log("save-failed", "%s: %s" % (type(e).__name__, e))
        finally:
            release_signals(held)

    def warn(self, msg, slug=None, once=False):
        try:
            config = getattr(self, "config", None)
            if slug and slug in (getattr(config, "disable_warnings", None) or ()):
                return
            seen = self.__dict__.setdefault("_covshim_warned", set())
            if once and slug in seen:
                return
            seen.add(slug)
            log(slug, msg)
        except Exception:
            pass

    start = C.start

    def tracked_start(self, *args, **kwargs):
        result = start(self, *args, **kwargs)
        self._covshim_pid = os.getpid()
        STATE["cov"] = self
        return result

    C.start = tracked_start
    C.save = safe_save
    C._warn = warn
    try:
        import warnings
        show = warnings.showwarning

        def showwarning(message, category, *args, **kwargs):
            if getattr(category, "__name__", "") == "CoverageWarning":
                log("warning", message)
            else:
                show(message, category, *args, **kwargs)

        warnings.showwarning = showwarning
    except Exception:
        pass


def named_start(coverage, name):
    # The process's context (guard.py's context_name) reaches coverage
    # through its rcfile's ${COVSHIM_CONTEXT}: set only while coverage reads
    # the rcfile where the name is not the variable's own (a program a pytest
    # test started); the program's environment is as it was once coverage
    # has started.
    env = os.environ
    if not name or env.get("COVSHIM_CONTEXT") == name:
        coverage.process_startup()
        return
    had = "COVSHIM_CONTEXT" in env
    env["COVSHIM_CONTEXT"] = name
    try:
        coverage.process_startup()
    finally:
        if had:
            env["COVSHIM_CONTEXT"] = ""
        else:
            del env["COVSHIM_CONTEXT"]


def save_before_ending():
    """Saves before the process ends with os._exit (every multiprocessing
    fork child, gpload) or replaces itself (every exec* ends in execv or
    execve), as coverage 7.10's `patch = _exit, execv` does.

    Not from an audit hook ("os.exec"), which would need no wrapper: a
    Python audit hook runs inside sys.settrace too, and on 3.11 a thread that
    starts while coverage's C tracer installs itself then dies with "Cannot
    install a trace function while another trace function is being
    installed" (a Pool's result handler: the pool hangs).
    """
    for name in ("_exit", "execv", "execve"):
        wrap_saving(name)


def wrap_saving(name):
    real = getattr(os, name)
    if getattr(real, "_covshim", False):
        return

    def save():
        try:
            save_mine()
        except Exception:
            pass

    def save_first(cls, *args, **kwargs):
        save()
        return object.__new__(cls)

    if type(real).__name__ == "builtin_function_or_method":
        # A class whose call saves first (its __new__, a frame that has
        # returned by then), then runs the real function as its __init__: a
        # built-in is no descriptor, so it gets the call's arguments only.
        # No frame of covshim's is on the stack when the real function
        # raises, so a failed exec's traceback is the program's own, on
        # Python 2.7 as on 3.x (a wrapping function's frame stays in it).
        setattr(os, name, type(name, (object,), {"__new__": staticmethod(save_first), "__init__": real, "__slots__": (), "_covshim": True}))
        return

    # Something else wrapped it already (a Python function would be bound
    # as __init__): a wrapping function, whose frame a failed exec shows.
    def saving_first(*args, **kwargs):
        save()
        return real(*args, **kwargs)

    saving_first._covshim = True
    saving_first.__name__ = name
    setattr(os, name, saving_first)


def unsaved(cov):
    """Lines this process ran that are in none of its saves yet."""
    data = getattr(getattr(cov, "_collector", None), "data", None)
    if not data:
        return False
    seen = STATE["seen"]
    for f, lines in list(data.items()):
        if lines and not seen.get(f, NONE).issuperset(lines):
            return True
    return False


NONE = frozenset()


def save_new():
    cov = mine()
    if cov is None or not unsaved(cov):
        return
    data = getattr(getattr(cov, "_collector", None), "data", None) or {}
    for f, lines in list(data.items()):
        STATE["seen"].setdefault(f, set()).update(lines)
    cov.save()  # safe_save: never raises


def keep_multiprocessing_out():
    """coverage.control imports coverage.multiproc, which imports multiprocessing.

    A program that starts without multiprocessing (CPython's own tests check
    that `import multiprocessing.spawn` works with sys.executable None, in a
    fresh interpreter) would find it imported. covshim's coveragerc never asks
    for `concurrency = multiprocessing`; where a user's rcfile does, coverage
    calls patch_multiprocessing and the real module is loaded then.
    """
    import sys
    if "multiprocessing" in sys.modules or "coverage.multiproc" in sys.modules:
        return
    import types
    stub = types.ModuleType("coverage.multiproc")

    def patch_multiprocessing(*args, **kwargs):
        if sys.modules.get("coverage.multiproc") is stub:
            del sys.modules["coverage.multiproc"]
        import importlib
        return importlib.import_module("coverage.multiproc").patch_multiprocessing(*args, **kwargs)

    stub.patch_multiprocessing = patch_multiprocessing
    sys.modules["coverage.multiproc"] = stub


def hand_over_saves(spawned=False):
    """In a multiprocessing child: save new lines whenever it hands something to another process."""
    import sys
    if "multiprocessing" not in sys.modules and not spawned:
        return
    try:
        import multiprocessing.queues as queues
        import multiprocessing.synchronize as synchronize
    except Exception:
        return
    try:
        import multiprocessing.connection as connection
        conn = getattr(connection, "_ConnectionBase", None)  # Python 3; Python 2's is C
    except Exception:
        conn = None

    def saving(call):
        def handed_over(*args, **kwargs):
            try:
                save_new()
            except Exception:
                pass
            return call(*args, **kwargs)

        return handed_over

    def hook(cls, name):
        if cls is None or cls.__dict__.get("_covshim_" + name):
            return
        own = cls.__dict__.get(name)
        setattr(cls, "_covshim_" + name, True)
        if own is not None and not isinstance(own, property):
            # A method of the class: wrapped where it is defined.
            setattr(cls, name, saving(own))
            return
        # Python 2's queues set `put` on each instance (_make_methods): a
        # property of the class comes before the instance's own attribute.
        def get(self):
            return saving(self.__dict__[name])

        def put(self, value):
            self.__dict__[name] = value

        setattr(cls, name, property(get, put))

    hook(getattr(queues, "SimpleQueue", None), "put")
    hook(getattr(queues, "Queue", None), "put")
    hook(getattr(synchronize, "Event", None), "set")
    hook(conn, "send")
    hook(conn, "send_bytes")


def after_fork():
    """A fork child: what the parent's instance holds now, so that the child's own lines tell; saves when it hands something on."""
    def in_child():
        try:
            STATE["seen"] = {}
            STATE["forked"] = lines_held(STATE["cov"])
            hand_over_saves()
        except Exception:
            # An exception in a fork hook would be printed on the program's stderr.
            pass

    at_fork = getattr(os, "register_at_fork", None)
    if at_fork is not None:
        at_fork(after_in_child=in_child)
        return
    # Before Python 3.7 (2.7 for GPDB 6): no fork hooks; os.fork wrapped.
    real_fork = os.fork
    if getattr(real_fork, "_covshim", False):
        return

    def fork():
        pid = real_fork()
        if pid == 0:
            in_child()
        return pid

    fork._covshim = True
    fork.__name__ = "fork"
    os.fork = fork
