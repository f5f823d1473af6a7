# covshim report driver: combine, then every report asked for, in ONE process
# of the install's own Python (one interpreter and one coverage import instead
# of one per `coverage` command). Never measured: covshim removes the variable.
# coverage 5.5 (Python 2.7) to 7.x: only API all of them have.
import json
import os
import sys
import warnings

args = json.loads(sys.argv[1])
result = {"combined": 0, "unreadable": [], "warnings": []}


def done():
    with open(args["result"], "w") as f:
        json.dump(result, f)


try:
    import coverage
except Exception as e:
    result["error"] = "coverage cannot be imported by %s (%s: %s)" % (sys.executable, type(e).__name__, e)
    done()
    sys.exit(0)
try:
    from coverage.exceptions import NoDataError  # coverage 6+
except ImportError:
    try:
        from coverage.misc import NoDataError  # coverage 5
    except ImportError:
        NoDataError = coverage.CoverageException

cov = coverage.Coverage(config_file=args["rcfile"], data_file=args["dataFile"])
# coverage 5 writes its warnings straight to stderr: keep them for the summary.
cov._warn = lambda msg, slug=None, once=False: result["warnings"].append(str(msg))
warnings.simplefilter("always")

def wait_for_writers(paths, seconds=5):
    import time
    end = time.time() + seconds
    # Files brought from cluster hosts name the hosts' processes, not ours.
    pending = [p for p in paths if not os.path.basename(p).startswith(".coverage.host-") and writer_alive(p) and not abandoned(p)]
    while pending and time.time() < end:
        time.sleep(0.05)
        pending = [p for p in pending if writer_alive(p)]
    return [os.path.basename(p) for p in pending]


with warnings.catch_warnings(record=True) as caught:
    cov.load()
    if args.get("combine"):
        data_dir = args["dataDir"]
        names = sorted(n for n in os.listdir(data_dir) if n.startswith(".coverage.") and os.path.isfile(os.path.join(data_dir, n)))
        # A process that outlives the program (multiprocessing's resource
        # tracker and forkserver end when the program is gone) may still be
        # writing its file: wait for it, then leave what is still open for
        # the next report.
        busy = wait_for_writers([os.path.join(data_dir, n) for n in names])
        result["busy"] = len(busy)
        combined = combine_files(cov, data_dir, [n for n in names if n not in busy], args["rcfile"], os.path.join(data_dir, "unreadable"))
        result["combined"] = combined["files"]
        result["unreadable"] += combined["unreadable"]
        result["warnings"] += combined["warnings"]
    # A report never gives up on one file: measured files whose source is
    # gone (test suites delete the modules they make in temporary
    # directories) are left out of the figures and named; coverage's
    # ignore_errors, as GPDB's CI runs `coverage report -i`.
    try:
        gone = sorted(f for f in cov.get_data().measured_files() if not source_exists(f))
    except Exception:
        gone = []
    result["gone"] = gone
    quiet = {"ignore_errors": True}
    try:
        if args.get("text"):
            result["total"] = cov.report(file=sys.stdout, **quiet)
        if args.get("json"):
            # With contexts recorded: which test or feature ran each line.
            extra = dict(quiet, show_contexts=True) if args.get("contexts") else dict(quiet)
            if args.get("morfs") is not None:
                # Only these files (diff --changed: those of the change), and of
                # them only what the whole report would hold: files measured, or
                # not run but in a source directory.
                real = os.path.realpath
                measured = set(real(f) for f in cov.get_data().measured_files())
                dirs = [real(d) for d in (cov.config.source or []) if os.path.isdir(d)]
                keep = [m for m in args["morfs"] if os.path.isfile(m) and (real(m) in measured or any(real(m).startswith(d + os.sep) for d in dirs))]
                if keep:
                    extra["morfs"] = keep
            result["total"] = cov.json_report(outfile=args["json"], **extra)
        if args.get("xml"):
            cov.xml_report(outfile=args["xml"], **quiet)
        if args.get("html"):
            cov.html_report(directory=args["html"], **quiet)
    except NoDataError as e:
        result["noData"] = str(e)
result["warnings"] += [str(w.message) for w in caught if w.category.__name__ == "CoverageWarning"]
# A file whose source is gone is named once, in result["gone"].
result["warnings"] = [w for w in result["warnings"] if not any(("'%s'" % f) in w for f in result.get("gone", []))]
done()
