"""templates/data/files.py: data file names, whose file it is, the recorder's
file format. Python 2.7 to 3.x (hosts may be GPDB 6)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from loader import load  # noqa: E402

files = load("data/files.py")


def record(kind, fid, payload=0, piece=0):
    return kind | (fid << 8) | (piece << 24) | (payload << 32)


def recorder_file(path, names, lines, version=2, context=None, order="<"):
    """A recorder file as templates/shim/recorder.py writes it: names {fid: bytes}, lines [(fid, line)]."""
    slots = [0] * 8
    slots[0] = struct.unpack("<Q", files.REC_MAGIC)[0]
    slots[1] = files.REC_BOM
    slots[2] = version | (8 << 32)
    if context is not None:
        names = dict(names, **{"0": context})
    for fid, b in sorted((int(k), v) for k, v in names.items()):
        for j in range(0, len(b), 4):
            piece = b[j:j + 4] + b"\0" * (4 - len(b[j:j + 4]))
            slots.append(record(files.REC_NAME, fid, struct.unpack(order + "I", piece)[0], j >> 2))
        slots.append(record(files.REC_NAME_END, fid, len(b)))
    for fid, line in lines:
        slots.append(record(files.REC_LINE, fid, line))
    with open(path, "wb") as f:
        f.write(b"".join(struct.pack(order + "Q", s) for s in slots))
        f.write(b"\0" * 64)  # reserved ahead, as the recorder maps it


class Names(unittest.TestCase):
    def test_writer_of_every_naming(self):
        self.assertEqual(files.writer_of(".coverage.host1.1234.567890"), ("host1", 1234))  # coverage 5, 6
        self.assertEqual(files.writer_of(".coverage.host1.pid1234.Xab12x"), ("host1", 1234))  # 7
        self.assertEqual(files.writer_of(".coverage.host1.pid1234.Xab12x.Hdeadh"), ("host1", 1234))
        self.assertEqual(files.writer_of(".coverage.my_host.pid99.Xdeadbeefx.covrec"), ("my_host", 99))
        self.assertEqual(files.writer_of(".coverage"), (None, None))

    def test_is_recorder(self):
        self.assertTrue(files.is_recorder(".coverage.h.pid1.Xax.covrec"))
        self.assertFalse(files.is_recorder(".coverage.h.pid1.Xax"))


class WriterAlive(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_a_dead_pid_is_not_alive_and_this_host_matters(self):
        p = subprocess.Popen([sys.executable, "-c", "pass"])
        p.wait()
        dead = os.path.join(self.dir, ".coverage.%s.pid%d.Xax" % (files.THIS_HOST, p.pid))
        open(dead, "w").close()
        self.assertFalse(files.writer_alive(dead))
        elsewhere = os.path.join(self.dir, ".coverage.not-this-host.pid%d.Xax" % os.getppid())
        open(elsewhere, "w").close()
        self.assertFalse(files.writer_alive(elsewhere))

    def test_a_process_that_started_after_the_file_was_written_is_not_its_writer(self):
        f = os.path.join(self.dir, ".coverage.%s.pid%d.Xax" % (files.THIS_HOST, os.getppid()))
        open(f, "w").close()
        os.utime(f, (1, 1))  # written long before our parent started
        self.assertFalse(files.writer_alive(f))
        os.utime(f, None)
        self.assertTrue(files.writer_alive(f))


class ReadRecorder(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, ".coverage.h.pid1.Xax.covrec")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_names_lines_context_and_module_names(self):
        recorder_file(self.path, {"1": b"/src/a.py\0pkg.a\0pkg.a", "2": b"/src/__init__.py\0pkg\0pkg"}, [(1, 3), (1, 4), (1, 3)], context=b"features/x.feature")
        modules = {}
        context, got, torn = files.read_recorder(self.path, modules)
        self.assertEqual(context, "features/x.feature")
        self.assertEqual(got, {"/src/a.py": set([3, 4])})
        self.assertEqual(torn, 0)
        # A module that ran no line was imported all the same.
        self.assertEqual(modules, {"/src/a.py": ("pkg.a", "pkg.a"), "/src/__init__.py": ("pkg", "pkg")})

    def test_big_endian_files_read_the_same(self):
        recorder_file(self.path, {"1": b"/x.py\0x\0"}, [(1, 7)], order=">")
        self.assertEqual(files.read_recorder(self.path)[1], {"/x.py": set([7])})

    def test_a_name_without_all_its_pieces_drops_its_lines_only(self):
        recorder_file(self.path, {"1": b"/a.py\0a\0", "2": b"/b.py\0b\0"}, [(1, 1), (2, 2), (3, 9)])
        context, got, torn = files.read_recorder(self.path)
        self.assertEqual(got, {"/a.py": set([1]), "/b.py": set([2])})
        self.assertEqual(torn, 1)

    def test_zeros_are_a_process_killed_before_its_first_record(self):
        with open(self.path, "wb") as f:
            f.write(b"\0" * 65536)
        self.assertEqual(files.read_recorder(self.path), (None, {}, 0))

    def test_not_a_recorder_file_and_unknown_formats_are_errors(self):
        with open(self.path, "wb") as f:
            f.write(b"garbage, not a recorder file" * 4)
        self.assertRaises(files.RecError, files.read_recorder, self.path)
        recorder_file(self.path, {}, [], version=1)
        self.assertRaises(files.RecError, files.read_recorder, self.path)
        recorder_file(self.path, {}, [], version=3)
        self.assertRaises(files.RecError, files.read_recorder, self.path)


class SourceExists(unittest.TestCase):
    def test_a_file_or_the_zip_it_is_in(self):
        d = tempfile.mkdtemp()
        try:
            open(os.path.join(d, "lib.zip"), "w").close()
            self.assertTrue(files.source_exists(os.path.join(d, "lib.zip", "pkg", "m.py")))
            self.assertFalse(files.source_exists(os.path.join(d, "gone.py")))
            self.assertTrue(files.source_exists(os.path.join(d, "lib.zip")))
        finally:
            shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main()
