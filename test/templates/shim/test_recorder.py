"""templates/shim/recorder.py (Python 3.12+): what it records of a real
program in a real process, read back by templates/data/files.py and turned
into coverage.py data with coverage's own decisions; the figures equal
coverage.py's on the same program."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from loader import TEMPLATES, load  # noqa: E402

sys.path.insert(0, os.path.join(HERE, "..", "data"))
from test_rules import Project  # noqa: E402

data = load("data/rules.py", "data/files.py")

# A measured process as the shim makes it: the recorder armed before the
# program's first line, then the program as `python main.py` runs it.
ARM = """
import json, os, runpy, sys
ns = {"__name__": "covshim_recorder"}
exec(compile(open(os.path.join(sys.argv[1], "shim", "recorder.py")).read(), "<covshim>", "exec"), ns)
def log(slug, msg):
    sys.stderr.write("recorder log: %s %s\\n" % (slug, msg))
guard = {"__name__": "covshim_guard"}
exec(compile(open(os.path.join(sys.argv[1], "shim", "guard.py")).read(), "<covshim>", "exec"), guard)
assert ns["record"](sys.argv[2], log, json.loads(sys.argv[3]), guard["context_name"])
sys.argv = sys.argv[4:]
sys.path[0] = os.path.dirname(sys.argv[0])
runpy.run_path(sys.argv[0], run_name="__main__")
"""


class Recorder(Project):
    def record(self, cfg, *argv, **kw):
        env = dict(os.environ, PYTHONPATH=os.path.join(self.dir, "lib"))
        for k in ("COVERAGE_PROCESS_START", "COVERAGE_PROCESS_CONFIG"):
            env.pop(k, None)
        full = dict({"source": [], "skip": [], "contexts": False, "a1": [], "prefix": sys.prefix, "version": "%d.%d" % sys.version_info[:2]}, **cfg)
        out = subprocess.check_output([sys.executable, "-c", ARM, TEMPLATES, self.data, json.dumps(full)] + list(argv), env=env, cwd=self.dir, stderr=subprocess.STDOUT, **kw)
        return out.decode()

    def recorded(self):
        files, modules = {}, {}
        for n in os.listdir(self.data):
            if data.is_recorder(n):
                _ctx, got, torn = data.read_recorder(os.path.join(self.data, n), modules)
                self.assertEqual(torn, 0)
                for f, ls in got.items():
                    files.setdefault(f, set()).update(ls)
        return files, modules

    def test_within_the_source_bound_only_with_module_names(self):
        main = os.path.join(self.app, "main.py")
        self.assertEqual(self.record({"source": [self.app, "pkg"]}, main), "")
        files, modules = self.recorded()
        init = os.path.join(self.dir, "lib", "pkg", "__init__.py")
        self.assertEqual(files, {main: set([1, 2]), init: set([1, 5, 2])})
        self.assertEqual(modules[init], ("pkg", "pkg"))
        self.assertEqual(modules[main][0], "__main__")

    def test_without_source_the_places_coverage_never_measures_are_not_recorded(self):
        main = os.path.join(self.app, "main.py")
        self.record({"skip": data.never_measured()}, main)
        files, _modules = self.recorded()
        self.assertEqual(sorted(files), sorted([main, os.path.join(self.dir, "lib", "pkg", "__init__.py")]))

    def test_a_fork_child_writes_a_file_of_its_own(self):
        prog = os.path.join(self.app, "forks.py")
        with open(prog, "w") as f:
            f.write("import os\npid = os.fork()\nif pid == 0:\n    x = 'child'\n    os._exit(0)\nos.waitpid(pid, 0)\ny = 'parent'\n")
        self.record({"source": [self.app]}, prog)
        recs = [n for n in os.listdir(self.data) if data.is_recorder(n)]
        self.assertEqual(len(recs), 2)
        lines = sorted(sorted(data.read_recorder(os.path.join(self.data, n))[1][prog]) for n in recs)
        # The child's file has what it ran after the fork; what came before is in the parent's.
        self.assertEqual(lines, [[1, 2, 3, 6, 7], [3, 4, 5]])

    def test_a_name_too_long_for_the_record_is_left_out_with_a_warning_not_torn(self):
        # A name's pieces are numbered in 8 bits: 1,024 bytes at most.
        deep = os.path.join(self.app, *["d" * 200] * 5)
        os.makedirs(deep)
        prog = os.path.join(deep, "long.py")
        with open(prog, "w") as f:
            f.write("x = 1\n")
        main = os.path.join(self.app, "main.py")
        with open(main, "a") as f:
            f.write("import runpy\nrunpy.run_path(%r)\n" % prog)
        out = self.record({"source": [self.app, "pkg"]}, main)
        self.assertIn("recorder log: recorder ", out)
        self.assertIn("1,024 bytes", out)
        files, _modules = self.recorded()
        self.assertEqual(sorted(files), sorted([main, os.path.join(self.dir, "lib", "pkg", "__init__.py")]))

    def test_the_report_equals_coverage_py_on_the_same_program(self):
        rc = self.rc(source=[self.app, "pkg"], omit=["*/skipme.py"])
        main = os.path.join(self.app, "main.py")
        env = dict(os.environ, PYTHONPATH=os.path.join(self.dir, "lib"))
        env.pop("COVERAGE_PROCESS_START", None)
        subprocess.check_call([sys.executable, "-m", "coverage", "run", "--rcfile", rc, main], env=env, cwd=self.dir, stderr=subprocess.DEVNULL)
        import coverage
        theirs = coverage.Coverage(config_file=rc)
        theirs.combine(strict=True)
        theirs.save()
        expected = theirs.get_data()
        expected = dict((f, sorted(expected.lines(f) or [])) for f in expected.measured_files())
        shutil.rmtree(self.data)
        os.mkdir(self.data)
        self.record({"source": [self.app, "pkg"]}, main)
        recs = [os.path.join(self.data, n) for n in os.listdir(self.data) if data.is_recorder(n)]
        dest = os.path.join(self.data, ".coverage.covshim-rec.test")
        data.convert_recorders(recs, dest, rc)
        got = coverage.CoverageData(basename=dest)
        got.read()
        self.assertEqual(dict((f, sorted(got.lines(f) or [])) for f in got.measured_files()), expected)
        self.assertIn(os.path.join(self.app, "never.py"), expected)


if __name__ == "__main__":
    unittest.main()
