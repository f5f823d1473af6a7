# Which files are measured, asked of the install's own coverage.py, never
# worked out again by covshim: coverage's InOrOut (coverage/inorout.py), built
# from the coveragerc as a measuring coverage.py builds it. Put before the
# probe (the bound covshim's recorder records within, at enable) and before
# the report driver and the hosts' agent (the decision, at report time).
# Python 2.7 to 3.x; covshim's recorder, the only user of the decision, runs
# on 3.12+ with coverage 7.
import sys


def coverage_inorout(rcfile):
    """coverage's InOrOut for the settings of `rcfile` (False: coverage's defaults)."""
    import coverage
    from coverage.inorout import InOrOut
    cov = coverage.Coverage(config_file=rcfile)
    cov._init()
    config = cov.config
    warn = lambda msg, slug=None, once=False: None
    ns = getattr(config, "include_namespace_packages", False)
    try:
        io = InOrOut(config=config, warn=warn, debug=None, include_namespace_packages=ns)  # 7.x
    except TypeError:
        io = InOrOut(warn=warn, debug=None, include_namespace_packages=ns)  # 6.x
        io.configure(config)
    io.plugins = cov._plugins
    return io


def never_measured():
    """The places coverage.py never measures when no source is set: the standard library, third-party places, coverage itself."""
    io = coverage_inorout(False)
    found = set()
    for name in ("pylib_paths", "cover_paths", "third_paths"):
        found.update(getattr(io, name, None) or ())
    return sorted(found)


class _Spec(object):
    def __init__(self, name):
        self.name = name


class _Frame(object):
    """What should_trace reads of a frame: its module's globals."""

    def __init__(self, name, spec):
        self.f_globals = {"__name__": name or None, "__spec__": _Spec(spec) if spec else None}


class FileRules(object):
    """coverage's decisions for files covshim's recorder recorded, under one coveragerc."""

    def __init__(self, rcfile):
        self.io = coverage_inorout(rcfile)
        self.known = {}

    def source_file(self, path, name=None, spec=None):
        """The file coverage.py would have recorded `path`'s lines under, or None: not measured."""
        key = (path, name, spec)
        if key not in self.known:
            disp = self.io.should_trace(path, _Frame(name, spec))
            self.known[key] = disp.source_filename if disp.trace and not disp.has_dynamic_filename else None
        return self.known[key]

    def unexecuted(self, imported):
        """coverage's never-run files of the sources (find_possibly_unexecuted_files).

        coverage.py lists a source package's files in a process that imported
        the package; `imported` maps the module names the measured processes
        imported to their files, which stand in for sys.modules here.
        """
        import types
        saved = {}
        for pkg in getattr(self.io, "source_pkgs", []):
            if pkg in imported and pkg not in sys.modules:
                stand_in = saved[pkg] = types.ModuleType(pkg)
                stand_in.__file__ = imported[pkg]
        sys.modules.update(saved)
        try:
            return sorted(set(f for f, _plugin in self.io.find_possibly_unexecuted_files()))
        finally:
            for pkg in saved:
                if sys.modules.get(pkg) is saved[pkg]:
                    del sys.modules[pkg]
