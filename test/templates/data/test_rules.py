"""templates/data/rules.py and the recorder files' conversion
(templates/data/files.py): which files count is coverage.py's own answer.
Run with an interpreter whose coverage is 7.x (3.12, 3.13: covshim's
recorder's Pythons); expected figures come from coverage.py itself."""
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from loader import load  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_files import recorder_file  # noqa: E402

data = load("data/rules.py", "data/files.py")


def write(path, text):
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    with open(path, "w") as f:
        f.write(text)


class Project(unittest.TestCase):
    """A source tree: app/ (a directory source), pkg/ (a package source) and a never-run module in each."""

    def setUp(self):
        self.dir = os.path.realpath(tempfile.mkdtemp())
        self.app = os.path.join(self.dir, "app")
        write(os.path.join(self.app, "main.py"), "import pkg\npkg.used()\n")
        write(os.path.join(self.app, "never.py"), "x = 1\ny = 2\n")
        write(os.path.join(self.app, "skipme.py"), "x = 1\n")
        write(os.path.join(self.dir, "lib", "pkg", "__init__.py"), "def used():\n    return 1\n\n\ndef unused():\n    return 2\n")
        write(os.path.join(self.dir, "lib", "pkg", "idle.py"), "z = 3\n")
        write(os.path.join(self.dir, "lib", "other.py"), "w = 4\n")
        self.data = os.path.join(self.dir, "data")
        os.mkdir(self.data)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def rc(self, source=(), omit=()):
        path = os.path.join(self.dir, "coveragerc")
        text = "[run]\nparallel = True\ndata_file = %s/.coverage\n" % self.data
        if source:
            text += "source =\n" + "".join("    %s\n" % s for s in source)
        if omit:
            text += "omit =\n" + "".join("    %s\n" % s for s in omit)
        write(path, text)
        return path


class FileRulesTest(Project):
    def test_a_source_directory_and_omit(self):
        rules = data.FileRules(self.rc(source=[self.app], omit=["*/skipme.py"]))
        main = os.path.join(self.app, "main.py")
        self.assertEqual(rules.source_file(main, "__main__", None), main)
        self.assertIsNone(rules.source_file(os.path.join(self.app, "skipme.py"), "skipme", None))
        self.assertIsNone(rules.source_file(os.path.join(self.dir, "lib", "other.py"), "other", None))
        self.assertEqual(rules.unexecuted({}), sorted([main, os.path.join(self.app, "never.py")]))

    def test_a_source_package_is_matched_by_module_name(self):
        rules = data.FileRules(self.rc(source=["pkg"]))
        init = os.path.join(self.dir, "lib", "pkg", "__init__.py")
        self.assertEqual(rules.source_file(init, "pkg", "pkg"), init)
        # The same file run under another name is not the package's.
        self.assertIsNone(rules.source_file(init, "notpkg", None))
        # Its never-run files are listed where a process imported it, as coverage.py lists them.
        self.assertEqual(rules.unexecuted({}), [])
        self.assertEqual(rules.unexecuted({"pkg": init}), sorted([init, os.path.join(self.dir, "lib", "pkg", "idle.py")]))
        self.assertNotIn("pkg", sys.modules)

    def test_no_source_leaves_out_the_standard_library_and_third_party(self):
        rules = data.FileRules(self.rc())
        self.assertEqual(rules.source_file(os.path.join(self.app, "main.py"), "__main__", None), os.path.join(self.app, "main.py"))
        self.assertIsNone(rules.source_file(os.path.realpath(os.__file__), "os", "os"))
        import coverage
        self.assertIsNone(rules.source_file(os.path.realpath(coverage.__file__), "coverage", "coverage"))
        self.assertIsNone(rules.source_file(os.path.join(os.path.realpath(sysconfig.get_paths()["purelib"]), "x.py"), "x", "x"))

    def test_never_measured_names_the_standard_library(self):
        stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
        self.assertIn(stdlib, data.never_measured())


class Convert(Project):
    def test_lines_by_coverages_decision_and_never_run_files_at_zero(self):
        main = os.path.join(self.app, "main.py")
        init = os.path.join(self.dir, "lib", "pkg", "__init__.py")
        rec = os.path.join(self.data, ".coverage.h.pid1.Xax.covrec")
        names = {
            "1": (main + "\0__main__\0").encode(),
            "2": (init + "\0pkg\0pkg").encode(),
            "3": (os.path.join(self.app, "skipme.py") + "\0skipme\0").encode(),
        }
        recorder_file(rec, names, [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1)])
        bad = os.path.join(self.data, ".coverage.h.pid2.Xbx.covrec")
        with open(bad, "wb") as f:
            f.write(b"not a recorder file" * 8)
        dest = os.path.join(self.data, ".coverage.covshim-rec.test")
        done, unreadable = data.convert_recorders([rec, bad], dest, self.rc(source=[self.app, "pkg"], omit=["*/skipme.py"]))
        self.assertEqual(done, [os.path.basename(rec)])
        self.assertEqual([n for n, _ in unreadable], [os.path.basename(bad)])
        self.assertFalse(os.path.exists(rec))
        from coverage import CoverageData
        got = CoverageData(basename=dest)
        got.read()
        lines = dict((f, sorted(got.lines(f) or [])) for f in got.measured_files())
        self.assertEqual(lines, {
            main: [1, 2],
            init: [1, 2],
            os.path.join(self.app, "never.py"): [],
            os.path.join(self.dir, "lib", "pkg", "idle.py"): [],
        })

    def test_the_same_figures_as_coverage_py_on_the_same_program(self):
        # coverage.py itself, on the program, with the same settings.
        rc = self.rc(source=[self.app, "pkg"], omit=["*/skipme.py"])
        env = dict(os.environ, PYTHONPATH=os.path.join(self.dir, "lib"))
        env.pop("COVERAGE_PROCESS_START", None)
        subprocess.check_call([sys.executable, "-m", "coverage", "run", "--rcfile", rc, os.path.join(self.app, "main.py")], env=env, cwd=self.dir)
        import coverage
        theirs = coverage.Coverage(config_file=rc)
        theirs.combine(strict=True)
        theirs.save()
        expected = dict((f, sorted(theirs.get_data().lines(f) or [])) for f in theirs.get_data().measured_files())
        os.unlink(os.path.join(self.data, ".coverage"))
        # The recorder's file of the same run, converted.
        main = os.path.join(self.app, "main.py")
        init = os.path.join(self.dir, "lib", "pkg", "__init__.py")
        rec = os.path.join(self.data, ".coverage.h.pid1.Xax.covrec")
        recorder_file(rec, {"1": (main + "\0__main__\0").encode(), "2": (init + "\0pkg\0pkg").encode()}, [(1, 1), (1, 2), (2, 1), (2, 2), (2, 5)])
        dest = os.path.join(self.data, ".coverage.covshim-rec.test")
        data.convert_recorders([rec], dest, rc)
        from coverage import CoverageData
        got = CoverageData(basename=dest)
        got.read()
        self.assertEqual(dict((f, sorted(got.lines(f) or [])) for f in got.measured_files()), expected)


if __name__ == "__main__":
    unittest.main()


class Abandoned(unittest.TestCase):
    """A broken data file its named process does not hold: nobody will finish it."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def named_after(self, pid):
        path = os.path.join(self.dir, ".coverage.%s.pid%d.Xabcx" % (data.THIS_HOST, pid))
        with open(path, "wb") as f:
            f.write(b"SQLite format 3\0 half-written")
        return path

    def test_broken_and_not_held_by_the_live_process_named(self):
        sleeper = subprocess.Popen(["sleep", "30"])
        try:
            self.assertTrue(data.abandoned(self.named_after(sleeper.pid)))
        finally:
            sleeper.kill()
            sleeper.wait()

    def test_held_open_by_its_writer_or_whole_is_not(self):
        path = self.named_after(os.getpid())
        with open(path, "rb"):
            self.assertFalse(data.abandoned(path))
        # A whole file of a live writer that closed it between saves: its own.
        whole = os.path.join(self.dir, ".coverage.%s.pid%d.Xwholex" % (data.THIS_HOST, os.getpid()))
        from coverage import CoverageData
        d = CoverageData(basename=whole)
        d.add_lines({"/x.py": [1]})
        d.write()
        self.assertFalse(data.abandoned(whole))
