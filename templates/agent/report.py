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
recovered = []  # data files read only on the second try (still being written at first)


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


def set_aside(data_dir, n):
    aside = os.path.join(data_dir, "unreadable")
    if not os.path.isdir(aside):
        os.makedirs(aside, 0o700)
    os.rename(os.path.join(data_dir, n), os.path.join(aside, n))


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
        recs = [n for n in names if n not in busy and is_recorder(n)]
        converted = 0
        if recs:
            # covshim's recorder: its files become one coverage.py data file,
            # combined with the others below.
            dest = os.path.join(data_dir, ".coverage.covshim-rec.pid%d.X%sx" % (os.getpid(), os.urandom(4).hex()))
            done_recs, bad_recs = convert_recorders([os.path.join(data_dir, n) for n in recs], dest, args["rcfile"])
            converted = len(done_recs)
            for n, why in bad_recs:
                set_aside(data_dir, n)
                result["unreadable"].append([n, why])
            names = sorted(n for n in os.listdir(data_dir) if n.startswith(".coverage.") and not is_recorder(n) and os.path.isfile(os.path.join(data_dir, n)))
        before = [n for n in names if n not in busy and not is_recorder(n)]
        ours = [n for n in before if n.startswith(".coverage.covshim-rec.")]
        if before:
            cov.combine(data_paths=[os.path.join(data_dir, n) for n in before], strict=False)
            cov.save()
        # coverage deletes every file it combined. What is left, it could not
        # read: a writer still finishing it (one we do not know of), given a
        # second and one more try; else a process killed while saving: kept,
        # set aside, named.
        left = [n for n in before if os.path.exists(os.path.join(data_dir, n))]
        if left:
            import time
            time.sleep(1)
            cov.combine(data_paths=[os.path.join(data_dir, n) for n in left], strict=False)
            cov.save()
        recovered = [n for n in left if not os.path.exists(os.path.join(data_dir, n))]
        said = result["warnings"] + [str(w.message) for w in caught]
        unread = 0
        for n in before:
            path = os.path.join(data_dir, n)
            if not os.path.exists(path):
                continue
            set_aside(data_dir, n)
            unread += 1
            why = [w for w in said if n in w]
            result["unreadable"].append([n, (why[0].strip().splitlines() or ["not combined"])[0] if why else "not combined"])
        # What the processes wrote: the recorder's files count, not the file made of them.
        result["combined"] = len(before) - len(ours) - unread + converted
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
# A file read on the second try was only still being written: nothing to
# say; a file whose source is gone is named once, in result["gone"].
result["warnings"] = [w for w in result["warnings"] if not any(n in w for n in recovered) and not any(("'%s'" % f) in w for f in result.get("gone", []))]
done()
