"""templates/data/files.py's combine_files: the one combine of a report
(templates/agent/report.py) and of a host's pack (templates/agent/remote.py).
Run with coverage 7 (3.12, 3.13)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from loader import load  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_files import recorder_file  # noqa: E402
from test_rules import Project  # noqa: E402

data = load("data/rules.py", "data/files.py")


class CombineFiles(Project):
    def make(self):
        """Two coverage.py files, a recorder file, a broken file of each kind."""
        import coverage
        main = os.path.join(self.app, "main.py")
        for i, lines in enumerate(([1], [2])):
            d = coverage.CoverageData(basename=os.path.join(self.data, ".coverage.h.pid%d.Xa%dx" % (10 + i, i)))
            d.add_lines({main: lines})
            d.write()
        init = os.path.join(self.dir, "lib", "pkg", "__init__.py")
        recorder_file(os.path.join(self.data, ".coverage.h.pid20.Xbx.covrec"), {"1": (init + "\0pkg\0pkg").encode()}, [(1, 1), (1, 2)])
        with open(os.path.join(self.data, ".coverage.h.pid30.Xcx"), "wb") as f:
            f.write(b"killed while saving")
        with open(os.path.join(self.data, ".coverage.h.pid31.Xdx.covrec"), "wb") as f:
            f.write(b"not a recorder file" * 8)
        return main, init, sorted(os.listdir(self.data))

    def combined_lines(self, cov):
        got = cov.get_data()
        return dict((f, sorted(got.lines(f) or [])) for f in got.measured_files() if got.lines(f))

    def test_a_report_combines_everything_and_sets_aside_what_it_cannot_read(self):
        import coverage
        main, init, names = self.make()
        rc = self.rc(source=[self.app, "pkg"])
        cov = coverage.Coverage(config_file=rc)
        cov.load()
        aside = os.path.join(self.data, "unreadable")
        r = data.combine_files(cov, self.data, names, rc, aside)
        # What the processes wrote: 2 coverage.py files and 1 recorder file.
        self.assertEqual(r["files"], 3)
        self.assertEqual(sorted(n for n, _ in r["unreadable"]), [".coverage.h.pid30.Xcx", ".coverage.h.pid31.Xdx.covrec"])
        self.assertEqual(sorted(os.listdir(aside)), [".coverage.h.pid30.Xcx", ".coverage.h.pid31.Xdx.covrec"])
        self.assertEqual(self.combined_lines(cov), {main: [1, 2], init: [1, 2]})
        # Nothing left but the combined file and the set-aside ones.
        self.assertEqual(sorted(os.listdir(self.data)), [".coverage", "unreadable"])
        # coverage's own method is back.
        self.assertNotIn("_warn", cov.__dict__)

    def test_a_host_keeps_its_files_and_a_second_pack_gives_the_same(self):
        import coverage
        main, init, names = self.make()
        rc = self.rc(source=[self.app, "pkg"])
        results = []
        for i in range(2):
            cov = coverage.Coverage(data_file=os.path.join(self.dir, "packed%d" % i), config_file=False)
            aside = os.path.join(self.dir, "aside%d" % i)
            keep = [n for n in names if os.path.exists(os.path.join(self.data, n))]
            r = data.combine_files(cov, self.data, keep, rc, aside, keep=True, dest_name=".coverage.covshim-rec.collect")
            results.append((r["files"], self.combined_lines(cov)))
        self.assertEqual(results[0], (3, {main: [1, 2], init: [1, 2]}))
        self.assertEqual(results[1], (3, {main: [1, 2], init: [1, 2]}))
        # The readable files stay until the ack.
        self.assertIn(".coverage.h.pid10.Xa0x", os.listdir(self.data))
        self.assertIn(".coverage.h.pid20.Xbx.covrec", os.listdir(self.data))


if __name__ == "__main__":
    unittest.main()
