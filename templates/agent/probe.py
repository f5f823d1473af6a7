# covshim probe: run once by `covshim enable`/`doctor` with the install's own
# interpreter, with templates/data/rules.py before it. Prints one JSON object.
# Python 2.7 to 3.x, standard library and the install's coverage only.
import json
import os
import sys

out = {}
out["executable"] = os.path.abspath(sys.executable)
out["version"] = "%d.%d.%d" % tuple(sys.version_info[:3])
# Run as `python -c`: drop the "" that -c puts first, it is not the install's.
out["sysPath"] = [p for p in (sys.path[1:] if sys.argv[0] == "-c" else sys.path)]
out["prefix"] = sys.prefix
out["basePrefix"] = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))
out["flags"] = {"noSite": bool(sys.flags.no_site), "ignoreEnvironment": bool(sys.flags.ignore_environment)}
try:
    import sysconfig
    out["purelib"] = sysconfig.get_paths()["purelib"]
except Exception:
    from distutils.sysconfig import get_python_lib
    out["purelib"] = get_python_lib()
try:
    import site
    out["siteDirs"] = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else [out["purelib"]]
except Exception:
    out["siteDirs"] = [out["purelib"]]
out["hasSysMonitoring"] = hasattr(sys, "monitoring")
cov = {"importable": False}
try:
    import coverage
    cov["importable"] = True
    cov["version"] = coverage.__version__
    cov["file"] = os.path.dirname(os.path.abspath(coverage.__file__))
    if out["hasSysMonitoring"]:
        # For covshim's recorder: where it need not record at all (only a
        # bound; coverage decides the rest at report time). From coverage
        # itself (templates/data/rules.py, put before this text).
        try:
            cov["neverMeasured"] = never_measured()
        except Exception:
            pass
    try:
        import coverage.tracer  # noqa: F401
        cov["ctrace"] = True
    except Exception:
        cov["ctrace"] = False
    try:
        from coverage.config import CoverageConfig
        c = CoverageConfig()
        cov["hasCoreSetting"] = hasattr(c, "core")
        cov["hasPatchSetting"] = hasattr(c, "patch")
    except Exception:
        cov["hasCoreSetting"] = False
        cov["hasPatchSetting"] = False
except Exception as e:
    cov["error"] = "%s: %s" % (type(e).__name__, e)
out["coverage"] = cov

try:
    import site
    order = []
    if getattr(site, "ENABLE_USER_SITE", False) and hasattr(site, "getusersitepackages"):
        order.append(site.getusersitepackages())
    order += list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    out["siteOrder"] = [d for d in order if os.path.isdir(d)]
except Exception:
    out["siteOrder"] = out["siteDirs"]

# Python imports only the first sitecustomize on sys.path; report every one in order.
found = []
for entry in out["sysPath"]:
    d = entry or os.getcwd()
    for name in ("sitecustomize.py", "sitecustomize.pyc", "sitecustomize/__init__.py"):
        f = os.path.join(d, name)
        if os.path.isfile(f):
            found.append(os.path.realpath(f))
            break
out["sitecustomizes"] = found
loaded = sys.modules.get("sitecustomize")
out["loadedSitecustomize"] = os.path.realpath(loaded.__file__) if loaded is not None and getattr(loaded, "__file__", None) else None

# Everything else that starts coverage at start-up: coverage's own
# a1_coverage.pth (7.13+), pytest-cov's, coverage-enable-subprocess's.
pths = []
for d in out["siteDirs"] + [out["purelib"]]:
    try:
        for n in os.listdir(d):
            if not n.endswith(".pth") or n == "a0_covshim.pth":
                continue
            try:
                with open(os.path.join(d, n)) as f:
                    text = f.read(65536)
            except Exception:
                continue
            if "process_startup" in text or "COV_CORE_" in text:
                pths.append(os.path.join(d, n))
    except Exception:
        pass
out["coveragePths"] = sorted(set(pths))

sys.stdout.write(json.dumps(out))
