# covshim report driver: combine, then every report asked for, in ONE process
# of the install's own Python (one interpreter and one coverage import instead
# of one per `coverage` command). Never measured: covshim removes the variable.
import json
import sys

args = json.loads(sys.argv[1])
result = {"combined": 0}
try:
    import coverage
    from coverage.exceptions import NoDataError
except ImportError:
    NoDataError = Exception  # coverage 5.x: CoverageException covers it

cov = coverage.Coverage(config_file=args["rcfile"], data_file=args["dataFile"])
cov.load()
if args.get("combine"):
    cov.combine(data_paths=[args["dataDir"]], strict=False)
    cov.save()
try:
    if args.get("text"):
        result["total"] = cov.report(file=sys.stdout)
    if args.get("json"):
        result["total"] = cov.json_report(outfile=args["json"])
    if args.get("html"):
        cov.html_report(directory=args["html"])
except NoDataError as e:
    result["noData"] = str(e)
with open(args["result"], "w") as f:
    json.dump(result, f)
