# covshim shim: starts coverage.py in this process when measurement is wanted.
# It must never break the program it runs in, and must cost nothing when off.
# Self-contained on purpose: as a .pth line it runs inside site.addpackage,
# where names defined here are not globals.
def _covshim(expires=__EXPIRES__, rcfile=__RCFILE__):
    import os
    env = os.environ
    if env.get("COVSHIM_DISABLE"):
        return
    if expires:
        import time
        if time.time() >= expires:
            return
        if not env.get("COVERAGE_PROCESS_START"):
            # install scope: children inherit the variable, so they are measured too.
            env["COVERAGE_PROCESS_START"] = rcfile
    elif not env.get("COVERAGE_PROCESS_START"):
        return

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
    def stand_down():
        # coverage's own a1_coverage.pth (7.13+) would try again and print a
        # traceback: mark start-up as done so it stays quiet.
        try:
            coverage.process_startup.coverage = None
        except Exception:
            pass

    try:
        cov = coverage.process_startup()
        if cov is None:
            # Started already (coverage's own .pth): protect that instance.
            cov = getattr(coverage.process_startup, "coverage", None)
        if cov is not None and not getattr(cov, "_covshim_safe", False):
            # An unwritable or full data directory must not print a traceback
            # at exit: one line instead, and the program's exit code stays.
            save = cov.save

            def safe_save():
                try:
                    save()
                except Exception as e:
                    one_line(e)

            cov.save = safe_save
            cov._covshim_safe = True
    except Exception as e:
        one_line(e)
        stand_down()


try:
    _covshim()
except Exception:
    pass
del _covshim
