# covshim's shim module for installs whose site directory has coverage's own
# a1_coverage.pth (7.13+) after covshim's shim (the tool knows at enable:
# src/shim/choose.ts's a1): loaded by the guard after covshim's recorder has
# started, and only where COVERAGE_PROCESS_START (or _CONFIG) is set, the
# variables that .pth answers to. Python 3.12+.
import os
import sys


def stand_in(cfg):
    # coverage's own a1_coverage.pth, later in this site directory (and read
    # again where lib64 links to lib), would import coverage (60-100 ms) and
    # start it in every process that has COVERAGE_PROCESS_START. While site.py
    # reads the .pth files, `coverage` is a stand-in whose process_startup()
    # does nothing (anything else of it is the real coverage); it goes when
    # site.py imports sitecustomize, which it does after every .pth file.
    mods = sys.modules
    if "coverage" in mods or not any(os.path.exists(p) for p in cfg["a1"]):
        return

    class StandIn(type(sys)):
        def __getattr__(self, name):
            gone()
            import coverage
            return getattr(coverage, name)

    # Its __spec__ stays None: `import coverage` asks for it, and must get
    # the stand-in, not the real module.
    s = StandIn("coverage")
    s.process_startup = lambda *args, **kwargs: None

    class SiteDone:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name in ("sitecustomize", "usercustomize"):
                gone()
            return None

    def gone():
        if mods.get("coverage") is s:
            del mods["coverage"]
        if SiteDone in sys.meta_path:
            sys.meta_path.remove(SiteDone)

    mods["coverage"] = s
    sys.meta_path.insert(0, SiteDone)
