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

def wait_for_savers(data_dir, seconds=30):
    # Processes ended by SIGTERM save their data from a child of their own
    # (templates/shim.py), holding a lock on .covshim-saving.PID until done.
    try:
        import fcntl
        import time
    except ImportError:
        return
    end = time.time() + seconds
    for n in sorted(os.listdir(data_dir)):
        if not n.startswith(".covshim-saving."):
            continue
        path = os.path.join(data_dir, n)
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except (IOError, OSError):
                    if time.time() > end:
                        break
                    time.sleep(0.02)
        finally:
            os.close(fd)
        try:
            os.unlink(path)  # a saver that died left it; it holds no data
        except OSError:
            pass


with warnings.catch_warnings(record=True) as caught:
    if args.get("combine"):
        wait_for_savers(args["dataDir"])
    cov.load()
    if args.get("combine"):
        data_dir = args["dataDir"]
        names = sorted(n for n in os.listdir(data_dir) if n.startswith(".coverage.") and os.path.isfile(os.path.join(data_dir, n)))
        good = []
        for n in names:
            path = os.path.join(data_dir, n)
            try:
                d = coverage.CoverageData(basename=path)
                d.read()
                list(d.measured_files())
                good.append(path)
            except Exception as e:
                # Left by a process killed while saving: kept, set aside, named.
                aside = os.path.join(data_dir, "unreadable")
                if not os.path.isdir(aside):
                    os.makedirs(aside, 0o700)
                os.rename(path, os.path.join(aside, n))
                result["unreadable"].append([n, (str(e).strip().splitlines() or [type(e).__name__])[0]])
        if good:
            cov.combine(data_paths=good, strict=False)
            cov.save()
        result["combined"] = len(good)
    try:
        if args.get("text"):
            result["total"] = cov.report(file=sys.stdout)
        if args.get("json"):
            result["total"] = cov.json_report(outfile=args["json"])
        if args.get("html"):
            cov.html_report(directory=args["html"])
    except NoDataError as e:
        result["noData"] = str(e)
result["warnings"] += [str(w.message) for w in caught if w.category.__name__ == "CoverageWarning"]
done()
