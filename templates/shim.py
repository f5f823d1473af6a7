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
    try:
        coverage.process_startup()
    except Exception as e:
        one_line(e)


try:
    _covshim()
except Exception:
    pass
del _covshim
