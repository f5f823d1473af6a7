# covshim's shim module, coverage.py's starter: starts coverage.py in this
# process, where covshim's own recorder does not apply (Python before 3.12,
# --branch, an explicit --core, --rcfile; guard.py decides). Nothing here may
# break the program or write on its output. Python 2.7 to 3.x.


def start_coverage(datadir, log):
    import os
    env = os.environ

    def one_line(e):
        try:
            import sys
            text = (str(e).strip().splitlines() or [""])[0][:300]
            sys.stderr.write("covshim: coverage not started (%s: %s)\n" % (type(e).__name__, text))
        except Exception:
            pass

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

    import signal
    state = {"saving": 0, "term": False}
    def die():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    def mine():
        # The instance this process started: after a fork the parent's lives on
        # in the child, and saving it would write the parent's data file.
        cov = state.get("cov")
        return cov if cov is not None and getattr(cov, "_covshim_pid", None) == os.getpid() else None

    def prepare():
        # Class-level, so that the instances coverage makes after a fork or in
        # a multiprocessing child behave the same.
        C = coverage.Coverage
        if getattr(C, "_covshim", False):
            return
        C._covshim = True
        save = C.save

        def safe_save(self):
            # An instance started in another process (inherited through fork,
            # and saved by os._exit patches chained from the parent) would
            # write the parent's data file, from every child at once: never.
            if getattr(self, "_covshim_pid", None) not in (None, os.getpid()):
                return
            # An unwritable or full data directory must not print a traceback at exit.
            state["saving"] += 1
            try:
                save(self)
            except Exception as e:
                log("save-failed", "%s: %s" % (type(e).__name__, e))
            finally:
                state["saving"] -= 1
            if state["term"] and not state["saving"]:
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
            state["cov"] = self
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

    def on_term(signum, frame):
        # Pool.terminate(), a parent's p.terminate(), multiprocessing's exit
        # handler: save what this process measured, then die of SIGTERM as
        # it would have. A save already under way (the process was exiting
        # anyway) is finished first. Saving here, not in a forked child: a
        # copy of the process made inside the handler inherits coverage's
        # half-done state and left data files half-written (docs/reliability.md).
        if state["saving"]:
            state["term"] = True
            return
        cov = mine()
        if cov is not None:
            try:
                cov.stop()
            except Exception:
                pass
            cov.save()  # safe_save: never raises, dies itself if told to meanwhile
        die()

    def sliced_locks():
        # A process blocked on a multiprocessing lock can lose the SIGTERM
        # that should run on_term: glibc's sem_wait, woken when another
        # process takes the lock first, goes back to sleep without returning
        # EINTR, so CPython's C handler trips its flag and the Python handler
        # never runs. An idle Pool worker then waits forever on the queue lock
        # that Pool.terminate() holds, and terminate() joins it forever (5
        # hangs in about 3,000 runs under load). Waiting in slices returns to
        # Python between them, where the pending handler runs. Same semantics:
        # a loop of timed waits is one blocking wait.
        import sys
        sync = sys.modules.get("multiprocessing.synchronize")
        if sync is None and "multiprocessing" in sys.modules:
            # A forkserver's child: it unpickles the pool's locks only after
            # this hook, importing synchronize then; import it now instead.
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

        # lock.acquire() as multiprocessing's docs show it: SemLock puts the
        # C method on each instance, also on those this process inherited
        # through fork. A property of the class (a data descriptor) comes
        # before the instance's own attribute, so every lock, old or new,
        # waits in slices when it waits without a timeout.
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

    def in_children():
        # Only multiprocessing's children need it, and only the handler's
        # processes: fork children (a fork pool, the forkserver's workers) get
        # it when they start; a spawn child, whose start-up imports
        # multiprocessing anyway, here.
        import sys
        if "--multiprocessing-fork" in (getattr(sys, "argv", None) or ()):
            try:
                import multiprocessing.synchronize  # noqa: F401
            except Exception:
                return
            sliced_locks()
        def quietly():
            # An exception in a fork hook would be printed on the program's stderr.
            try:
                sliced_locks()
            except Exception:
                pass

        at_fork = getattr(os, "register_at_fork", None)
        if at_fork is not None:
            at_fork(after_in_child=quietly)
        elif not getattr(os.fork, "_covshim", False):
            # Before Python 3.7 (2.7 for GPDB 6): no fork hooks; wrap os.fork.
            real_fork = os.fork

            def fork():
                pid = real_fork()
                if pid == 0:
                    quietly()
                return pid

            fork._covshim = True
            os.fork = fork

    def stand_down():
        # coverage's own a1_coverage.pth (7.13+) would try again and print a
        # traceback: mark start-up as done so it stays quiet.
        try:
            coverage.process_startup.coverage = None
        except Exception:
            pass

    def named_start():
        # A process that a pytest test started (a utility run through
        # subprocess) takes that test's id as its context, as the test's own
        # lines take its name from dynamic_context; a context set by the user
        # (behave's hook) wins. Only for coverage's expansion of
        # ${COVSHIM_CONTEXT} while it reads the rcfile: the program's
        # environment is as it was once coverage has started.
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

    try:
        prepare()
        named_start()
        if state.get("cov") is None:
            # Started before this shim ran (coverage's own a1_coverage.pth runs
            # with the site-packages, before sitecustomize): adopt that instance.
            cur = getattr(coverage.Coverage, "current", None)
            cov = (cur() if cur else None) or getattr(coverage.process_startup, "coverage", None)
            if cov is not None:
                cov._covshim_pid = os.getpid()
                state["cov"] = cov
        try:
            import threading
            main = threading.current_thread().__class__.__name__ == "_MainThread"
            # COVSHIM_SIGTERM=0: leave SIGTERM alone (docs/reliability.md, known limits).
            if main and env.get("COVSHIM_SIGTERM") != "0" and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, on_term)
                in_children()
        except Exception:
            pass
    except Exception as e:
        one_line(e)
        stand_down()

