# covshim shim: starts coverage.py in this process when measurement is wanted.
# It must never break the program it runs in and never write on its output;
# it is compiled only when measurement is wanted (see the guard that runs it).
# Self-contained on purpose: as a .pth line it runs inside site.addpackage,
# where names defined here are not globals. Python 2.7 to 3.x.
def _covshim(expires=__EXPIRES__, rcfile=__RCFILE__, datadir=__DATADIR__):
    import os
    env = os.environ
    if env.get("COVSHIM_DISABLE"):
        return
    if expires:
        import time
        if time.time() >= expires:
            return
    elif not env.get("COVERAGE_PROCESS_START"):
        return
    if (env.get("COVERAGE_PROCESS_START") or rcfile) == rcfile:
        # Another user (or a process without access to covshim's files) is
        # left alone without a word: nothing of its output changes.
        if not (os.access(rcfile, os.R_OK) and os.access(datadir, os.W_OK | os.X_OK)):
            return
        # Install scope: children inherit the variable, so they are measured too.
        env["COVERAGE_PROCESS_START"] = rcfile

    def one_line(e):
        try:
            import sys
            text = (str(e).strip().splitlines() or [""])[0][:300]
            sys.stderr.write("covshim: coverage not started (%s: %s)\n" % (type(e).__name__, text))
        except Exception:
            pass

    def log(slug, msg):
        # Coverage's warnings go here, never to the program's stderr; `covshim
        # report` and `doctor` summarise them.
        try:
            line = ("%d %s %s\n" % (os.getpid(), slug or "-", " ".join(str(msg).split()))).encode("utf-8", "replace")
            fd = os.open(os.path.join(datadir, "warnings.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
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
    # os._exit as it is now: coverage's `patch = _exit` wraps it later with a save.
    exit_now = os._exit

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
        # handler. The process should die as promptly as it would have (Pool's
        # terminate() can hang on a worker that dies late): a child of it saves
        # the data, and `covshim report` waits while that child holds its
        # lock, so the data is complete before anyone reads it. A save already
        # under way (the process was exiting anyway) is finished first.
        if state["saving"]:
            state["term"] = True
            return
        cov = mine()
        if cov is not None:
            try:
                # The lock is taken before the fork: `covshim report` sees it
                # from the moment this process is gone. The child keeps it
                # (flock belongs to the open file, which both share).
                import fcntl
                marker = os.path.join(datadir, ".covshim-saving.%d" % os.getpid())
                lock = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600)
                fcntl.flock(lock, fcntl.LOCK_EX)
                # multiprocessing closes a child's stdin: the lock may have got fd 0,
                # which the child points at /dev/null. A copy above 2 keeps it held.
                keep = fcntl.fcntl(lock, fcntl.F_DUPFD, 3)
                # coverage 7.10+'s `patch = fork` would start a new instance in the
                # child, with a data file of its own that the child never fills.
                import sys
                ctl = sys.modules.get("coverage.control")
                startup = getattr(ctl, "process_startup", None)
                if startup is not None:
                    ctl.process_startup = lambda *args, **kwargs: None
                child = os.fork()
                if child == 0:
                    try:
                        signal.signal(signal.SIGTERM, signal.SIG_DFL)
                        signal.alarm(60)  # never left behind, whatever the save meets
                        null = os.open(os.devnull, os.O_RDWR)
                        for fd in (0, 1, 2):
                            os.dup2(null, fd)
                        cov._covshim_pid = os.getpid()  # this child saves for the process that dies
                        cov.save()
                        os.unlink(marker)
                        os.close(keep)
                    finally:
                        exit_now(0)
            except Exception:
                pass
        die()

    def stand_down():
        # coverage's own a1_coverage.pth (7.13+) would try again and print a
        # traceback: mark start-up as done so it stays quiet.
        try:
            coverage.process_startup.coverage = None
        except Exception:
            pass

    try:
        prepare()
        coverage.process_startup()
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
        except Exception:
            pass
    except Exception as e:
        one_line(e)
        stand_down()


try:
    _covshim()
except Exception:
    pass
del _covshim
