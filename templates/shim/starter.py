# covshim's shim module, coverage.py's starter: starts coverage.py in this
# process, where covshim's own recorder does not apply (Python before 3.12,
# --branch, an explicit --core, --rcfile; guard.py decides), and makes every
# way the process can end save what it measured (docs/reliability.md):
#
# - exit: coverage's own atexit save;
# - os._exit, exec*, a fork child: coverage 7.10+ does it itself (`patch =
#   _exit, execv, fork` in covshim's coveragerc); for older coverage (5.5 on
#   GPDB 6's Python 2.7, Debian's 6.5) this module does the same;
# - SIGTERM: a handler that saves and then dies of SIGTERM, made so that no
#   SIGTERM is ever lost: it is held (blocked) across fork until the child
#   can take it, and multiprocessing's lock waits go in slices.
#
# Nothing here may break the program or write on its output. Python 2.7 to 3.x.
import os

# The process's one coverage instance of its own (an instance inherited
# through fork is the parent's), whether a save is under way, and whether
# a SIGTERM waits for it.
STATE = {"cov": None, "saving": 0, "term": False, "log": None, "handler": None}


def start_coverage(datadir, log):
    STATE["log"] = log
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
        named_start(coverage)
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
        # coverage has `patch = _exit, execv` from 7.10 and `fork` from 7.10.4.
        version = tuple(getattr(coverage, "version_info", (0,))[:3])
        if version < (7, 10):
            exit_and_exec()
        handler = sigterm_handler()
        after_fork(coverage, version < (7, 10, 4), handler)
    except Exception as e:
        one_line(e)
        try:
            # coverage's own a1_coverage.pth (7.13+) would try again and
            # print a traceback: mark start-up as done so it stays quiet.
            coverage.process_startup.coverage = None
        except Exception:
            pass


def one_line(e):
    try:
        import sys
        text = (str(e).strip().splitlines() or [""])[0][:300]
        sys.stderr.write("covshim: coverage not started (%s: %s)\n" % (type(e).__name__, text))
    except Exception:
        pass


def mine():
    cov = STATE["cov"]
    return cov if cov is not None and getattr(cov, "_covshim_pid", None) == os.getpid() else None


def save_mine():
    cov = mine()
    if cov is not None:
        cov.save()  # safe_save: never raises


def die():
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


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
        # An instance started in another process (inherited through fork, and
        # saved by os._exit patches chained from the parent) would write the
        # parent's data file, from every child at once: never.
        if getattr(self, "_covshim_pid", None) not in (None, os.getpid()):
            return
        # An unwritable or full data directory must not print a traceback at exit.
        STATE["saving"] += 1
        try:
            save(self)
        except Exception as e:
            log("save-failed", "%s: %s" % (type(e).__name__, e))
        finally:
            STATE["saving"] -= 1
        if STATE["term"] and not STATE["saving"]:
            die()

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


def named_start(coverage):
    # A process that a pytest test started (a utility run through subprocess)
    # takes that test's id as its context, as the test's own lines take its
    # name from dynamic_context; a context set by the user (behave's hook)
    # wins. Only for coverage's expansion of ${COVSHIM_CONTEXT} while it
    # reads the rcfile: the program's environment is as it was once coverage
    # has started.
    env = os.environ
    test = env.get("PYTEST_CURRENT_TEST")
    if not test or env.get("COVSHIM_CONTEXT"):
        coverage.process_startup()
        return
    had = "COVSHIM_CONTEXT" in env
    env["COVSHIM_CONTEXT"] = test.rsplit(" (", 1)[0]
    try:
        coverage.process_startup()
    finally:
        if had:
            env["COVSHIM_CONTEXT"] = ""
        else:
            del env["COVSHIM_CONTEXT"]


def exit_and_exec():
    # What coverage 7.10's `patch = _exit, execv` does, for older coverage:
    # save before the process ends with os._exit (every multiprocessing fork
    # child, gpload) or replaces itself (every exec* ends in execv or execve).
    def wrap(name):
        real = getattr(os, name)
        if getattr(real, "_covshim", False):
            return

        def saving_first(*args, **kwargs):
            try:
                save_mine()
            except Exception:
                pass
            return real(*args, **kwargs)

        saving_first._covshim = True
        saving_first.__name__ = name
        setattr(os, name, saving_first)

    for name in ("_exit", "execv", "execve"):
        wrap(name)


def sigterm_handler():
    """Installs the SIGTERM handler (in the main thread, where the program has none); returns it or None."""
    import signal
    import threading
    if os.environ.get("COVSHIM_SIGTERM") == "0":
        # docs/reliability.md: the user's switch to leave SIGTERM alone.
        return None
    if threading.current_thread().__class__.__name__ != "_MainThread":
        return None
    if signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None):
        return None

    def on_term(signum, frame):
        # Pool.terminate(), a parent's p.terminate(), multiprocessing's exit
        # handler: save what this process measured, then die of SIGTERM as it
        # would have. A save already under way (the process was exiting
        # anyway) is finished first. Saving here, not in a forked child: a
        # copy made inside the handler inherits coverage's half-done state.
        if STATE["saving"]:
            STATE["term"] = True
            return
        cov = mine()
        if cov is not None:
            try:
                cov.stop()
            except Exception:
                pass
            cov.save()  # safe_save: never raises, dies itself if told to meanwhile
        die()

    signal.signal(signal.SIGTERM, on_term)
    STATE["handler"] = on_term
    import sys
    if "--multiprocessing-fork" in (getattr(sys, "argv", None) or ()):
        # A spawn child of multiprocessing: its locks wait in slices too.
        try:
            import multiprocessing.synchronize  # noqa: F401
            sliced_locks()
        except Exception:
            pass
    return on_term


def after_fork(coverage, old, handler):
    """What a fork needs: SIGTERM held across it, and in the child (older coverage) a fresh instance and sliced lock waits."""
    import signal
    mask = getattr(signal, "pthread_sigmask", None)
    held = {}

    def before():
        # CPython clears the signals it caught but has not yet handled when
        # a fork child starts (its after-fork reinit): a SIGTERM that comes
        # in the child's first instants, as Pool.terminate() sends one right
        # after starting a worker, was caught by the handler inherited from
        # the parent and then forgotten, and the child never died (the
        # forkserver pool hang). Blocked in the forking thread from just
        # before the fork until the child can handle it, it waits in the
        # kernel instead and is delivered then.
        if handler is not None and mask is not None:
            held["was"] = signal.SIGTERM in mask(signal.SIG_BLOCK, [signal.SIGTERM])

    def release():
        if handler is not None and mask is not None and not held.pop("was", True):
            mask(signal.SIG_UNBLOCK, [signal.SIGTERM])

    def in_child():
        try:
            if old:
                restart(coverage)
            if handler is not None:
                sliced_locks()
        except Exception:
            # An exception in a fork hook would be printed on the program's stderr.
            pass
        release()

    at_fork = getattr(os, "register_at_fork", None)
    if at_fork is not None:
        at_fork(before=before, after_in_parent=release, after_in_child=in_child)
        return
    # Before Python 3.7 (2.7 for GPDB 6): no fork hooks; os.fork wrapped.
    # Without pthread_sigmask (2.7) SIGTERM is left at its default while the
    # fork runs: a SIGTERM then ends the process as it would unmeasured.
    real_fork = os.fork
    if getattr(real_fork, "_covshim", False):
        return

    def fork():
        swap = handler is not None and mask is None and signal.getsignal(signal.SIGTERM) is handler
        if swap:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        before()
        try:
            pid = real_fork()
        except Exception:
            release()
            if swap:
                signal.signal(signal.SIGTERM, handler)
            raise
        if pid == 0:
            in_child()
        else:
            release()
        if swap:
            signal.signal(signal.SIGTERM, handler)
        return pid

    fork._covshim = True
    fork.__name__ = "fork"
    os.fork = fork


def restart(coverage):
    # What coverage 7.10's `patch = fork` does, for older coverage: the
    # parent's instance stops measuring in the child (never saved here), and
    # the child starts its own, with a data file of its own.
    cov = STATE["cov"]
    if cov is not None and getattr(cov, "_covshim_pid", None) != os.getpid():
        try:
            cov.stop()
        except Exception:
            pass
        STATE["cov"] = None
        try:
            del coverage.process_startup.coverage
        except AttributeError:
            pass
        named_start(coverage)


def sliced_locks():
    # A process blocked on a multiprocessing lock can lose the SIGTERM that
    # should run the handler: glibc's sem_wait, woken when another process
    # takes the lock first, goes back to sleep without returning EINTR, so
    # CPython's C handler trips its flag and the Python handler never runs.
    # An idle Pool worker then waits forever on the queue lock that
    # Pool.terminate() holds, and terminate() joins it forever (5 hangs in
    # about 3,000 runs under load). Waiting in slices returns to Python
    # between them, where the pending handler runs. Same semantics: a loop of
    # timed waits is one blocking wait.
    import sys
    sync = sys.modules.get("multiprocessing.synchronize")
    if sync is None and "multiprocessing" in sys.modules:
        # A forkserver's child: it unpickles the pool's locks only after this
        # hook, importing synchronize then; import it now instead.
        try:
            import multiprocessing.synchronize as sync
        except Exception:
            return
    S = getattr(sync, "SemLock", None)
    if S is None or S.__dict__.get("_covshim"):
        return

    def __enter__(self):
        acquire = self._semlock.acquire
        while not acquire(True, 0.2):
            pass
        return True

    # lock.acquire() as multiprocessing's docs show it: SemLock puts the C
    # method on each instance, also on those this process inherited through
    # fork. A property of the class (a data descriptor) comes before the
    # instance's own attribute, so every lock, old or new, waits in slices
    # when it waits without a timeout.
    def get_acquire(self):
        raw = self._semlock.acquire

        def acquire(block=True, timeout=None):
            if not block or timeout is not None:
                return raw(block, timeout)
            while not raw(True, 0.2):
                pass
            return True

        return acquire

    def set_acquire(self, value):
        self.__dict__["acquire"] = value

    S.__enter__ = __enter__
    S.acquire = property(get_acquire, set_acquire)
    S._covshim = True
