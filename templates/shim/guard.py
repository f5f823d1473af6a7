# covshim's shim module, the guard. The install holds only a few lines that
# load this file (src/shim/render.ts) in a process that wants measurement: a
# process that wants none stops at a one-line test and never reads it. The
# guard decides whether this process is measured, and by which recorder, then
# hands over: covshim's own (recorder.py) where the install uses it and this
# interpreter can, else coverage.py (starter.py). Nothing here may break the
# program or write on its output. Python 2.7 to 3.x. covshim writes the
# settings above this text (STARTER, RECORDER_MODULE, STANDIN_MODULE,
# EXPIRES, RCFILE, DATADIR, RECORDER); `load` is the install's loader, which
# reads a module of covshim's.


def main(load):
    import os
    import sys
    env = os.environ
    if env.get("COVSHIM_DISABLE"):
        return
    # COVSHIM_START is the shell's variable for installs covshim's recorder
    # measures: coverage.py's own hooks (its a1_coverage.pth, a program's
    # own process_startup() as behave's) answer to COVERAGE_PROCESS_START
    # only, so they stay out. That variable set to covshim's rcfile counts too.
    wanted = env.get("COVSHIM_START") or env.get("COVERAGE_PROCESS_START")
    if EXPIRES:
        import time
        if time.time() >= EXPIRES:
            return
    elif not wanted:
        return
    ours = (wanted or RCFILE) == RCFILE
    if ours and not (os.access(RCFILE, os.R_OK) and os.access(DATADIR, os.W_OK | os.X_OK)):
        # Another user (or a process without access to covshim's files) is
        # left alone without a word: nothing of its output changes.
        return
    # The recorder measures with covshim's own settings only (a
    # COVERAGE_PROCESS_START that names another file is coverage.py's), in
    # the interpreter it was chosen for (3.12+): another one sharing the
    # install's PYTHONPATH directory gets coverage.py.
    if ours and RECORDER and (sys.prefix, "%d.%d" % sys.version_info[:2]) == (RECORDER["prefix"], RECORDER["version"]):
        if load(RECORDER_MODULE)["record"](DATADIR, log, RECORDER, context_name):
            if RECORDER["a1"] and (env.get("COVERAGE_PROCESS_START") or env.get("COVERAGE_PROCESS_CONFIG")):
                # coverage's own a1_coverage.pth comes later in this site
                # directory and would start coverage.py too (standin.py).
                load(STANDIN_MODULE)["stand_in"](RECORDER)
            return
    if ours:
        # coverage.py reads its settings from the variable; in install scope
        # children inherit it, so they are measured too.
        env["COVERAGE_PROCESS_START"] = RCFILE
    load(STARTER)["start_coverage"](DATADIR, log, context_name)


def context_name():
    # The one rule for a process's context (enable --contexts), for both
    # recorders: COVSHIM_CONTEXT as the test runner set it (behave's hook),
    # else, in a program a pytest test started, that test's id.
    import os
    t = os.environ.get("PYTEST_CURRENT_TEST")  # "ID (call)": the test's id, then its phase
    return os.environ.get("COVSHIM_CONTEXT") or (t.rsplit(" (", 1)[0] if t else "")


def log(slug, msg):
    # Warnings go to the data directory, never to the program's stderr;
    # `covshim report` and `doctor` summarise them.
    try:
        import os
        fd = os.open(os.path.join(DATADIR, "warnings.log"), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # One write of the whole line: O_APPEND keeps processes' lines apart.
            os.write(fd, ("%d %s %s\n" % (os.getpid(), slug or "-", " ".join(str(msg).split()))).encode("utf-8", "replace"))
        finally:
            os.close(fd)
    except Exception:
        pass
