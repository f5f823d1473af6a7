"""templates/shim/starter.py, coverage.py's starter: what it does around a
process's end and a fork child, with coverage's collector stood in by a dict
(the starter reads only its `data`). Python 2.7 to 3.x."""
import os
import sys
import traceback
import types
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from loader import load  # noqa: E402

STARTER = os.path.join("shim", "starter.py")


def fake_os(**functions):
    """A module standing for os in the starter: os's own, and `functions`."""
    m = types.ModuleType("os")
    m.__dict__.update(os.__dict__)
    m.__dict__.update(functions)
    return m


class WrapSaving(unittest.TestCase):
    def setUp(self):
        self.starter = load(STARTER)
        self.saves = []
        self.starter.save_mine = lambda: self.saves.append(1)

    def test_saves_then_calls_the_real_function(self):
        # os.chdir is a built-in, as execv and _exit are, and returns None
        # (they do not return at all).
        here = os.getcwd()
        self.starter.os = fake_os()
        self.starter.wrap_saving("chdir")
        self.assertEqual(self.starter.os.chdir.__name__, "chdir")
        self.assertTrue(self.starter.os.chdir._covshim)
        self.starter.os.chdir(here)
        self.assertEqual(self.saves, [1])
        # Wrapped once only.
        wrapped = self.starter.os.chdir
        self.starter.wrap_saving("chdir")
        self.assertIs(self.starter.os.chdir, wrapped)

    def test_a_failed_exec_shows_no_frame_of_the_starter(self):
        self.starter.os = fake_os()
        self.starter.wrap_saving("execv")
        try:
            self.starter.os.execv("/nonexistent/program", ["program"])
        except OSError:
            frames = traceback.extract_tb(sys.exc_info()[2])
        else:
            self.fail("execv of a missing program returned")
        self.assertEqual(self.saves, [1])
        # Only this test's own frame: the starter's __new__ had returned.
        self.assertEqual([f[2] for f in frames], ["test_a_failed_exec_shows_no_frame_of_the_starter"])

    def test_a_function_someone_else_wrapped_stays_callable(self):
        calls = []

        def theirs(*args):
            calls.append(args)
            return "theirs"

        self.starter.os = fake_os(execv=theirs)
        self.starter.wrap_saving("execv")
        self.assertEqual(self.starter.os.execv("a", ["b"]), "theirs")
        self.assertEqual((self.saves, calls), ([1], [("a", ["b"])]))


class LinesHeld(unittest.TestCase):
    def test_counts_files_and_lines(self):
        starter = load(STARTER)
        cov = types.SimpleNamespace() if hasattr(types, "SimpleNamespace") else type("Cov", (object,), {})()
        cov._collector = type("Collector", (object,), {})()
        cov._collector.data = {"a.py": {1: None, 2: None}, "b.py": set([3])}
        self.assertEqual(starter.lines_held(cov), (2, 3))
        cov._collector.data = {}
        self.assertEqual(starter.lines_held(cov), (0, 0))


if __name__ == "__main__":
    unittest.main()
