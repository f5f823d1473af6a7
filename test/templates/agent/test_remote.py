"""templates/agent/remote.py: the file operations a cluster host does for
enable and off. The tool decides what goes in the file (src/shim/block.ts);
the host saves and puts back bytes, mode, owner and the mtime to the
nanosecond. Python 2.7 to 3.x (GPDB 6 hosts run the agent with 2.7)."""
import base64
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from loader import load  # noqa: E402

remote = load("data/files.py", "agent/remote.py")

NS = 1614834367123456789  # 2021-03-04T05:06:07.123456789Z


def b64(data):
    return base64.b64encode(data).decode("ascii")


class Agent(object):
    """Calls an action as the tool does and returns its JSON answer."""

    def __init__(self, tmp):
        self.tmp = tmp

    def __call__(self, action, args):
        out = os.path.join(self.tmp, "out.json")
        saved = sys.stdout
        with open(out, "w") as sys.stdout:
            try:
                getattr(remote, action)(args)
            finally:
                sys.stdout = saved
        with open(out) as f:
            return json.load(f)


class HostFiles(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="covshim-remote-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.lib = os.path.join(self.tmp, "lib", "python")
        os.makedirs(os.path.join(self.lib, "__pycache__"))
        self.shim = os.path.join(self.lib, "sitecustomize.py")
        self.home = os.path.join(self.tmp, "home")
        self.agent = Agent(self.tmp)
        self.args = {"dir": self.home, "shim": self.shim, "dataDir": os.path.join(self.home, "data"), "rcfile": os.path.join(self.home, "rc"), "rcText": "[run]\n", "modules": {}}

    def own_file(self, text=b"import os\n", mode=0o640):
        with open(self.shim, "wb") as f:
            f.write(text)
        os.chmod(self.shim, mode)
        if os.getuid() == 0:
            os.chown(self.shim, 4242, 4343)
        pyc = os.path.join(self.lib, "__pycache__", "sitecustomize.cpython-312.pyc")
        with open(pyc, "wb") as f:
            f.write(b"compiled")
        remote.set_mtime_ns(pyc, NS - 5)
        remote.set_mtime_ns(self.shim, NS)
        return remote.meta_of(self.shim)

    def enable(self, text):
        answer = self.agent("install", self.args)
        self.agent("put", {"dir": self.home, "shim": self.shim, "text": b64(text)})
        return answer

    def test_mtime_to_the_nanosecond(self):
        meta = self.own_file()
        self.assertEqual(meta["mtimeNs"], str(NS))
        self.assertEqual(meta["mode"], 0o640)

    def test_restore_puts_back_bytes_mode_owner_and_mtime(self):
        meta = self.own_file()
        pyc = os.path.join(self.lib, "__pycache__", "sitecustomize.cpython-312.pyc")
        pyc_meta = remote.meta_of(pyc)
        answer = self.enable(b"import os\n\n# covshim block\n")
        self.assertEqual(base64.b64decode(answer["original"]), b"import os\n")
        # While on, the file keeps its mode and owner.
        self.assertEqual(remote.meta_of(self.shim)["mode"], 0o640)
        self.assertEqual(remote.meta_of(self.shim)["uid"], meta["uid"])
        with open(pyc, "wb") as f:  # Python recompiled it while on
            f.write(b"other")
        seen = self.agent("read", {"dir": self.home, "shim": self.shim})
        self.assertTrue(seen["saved"])
        self.assertEqual(base64.b64decode(seen["current"]), b"import os\n\n# covshim block\n")
        self.assertEqual(self.agent("remove", {"dir": self.home, "shim": self.shim, "action": "restore"}), {"ok": True, "changed": True})
        with open(self.shim, "rb") as f:
            self.assertEqual(f.read(), b"import os\n")
        self.assertEqual(remote.meta_of(self.shim), meta)
        self.assertEqual(remote.meta_of(pyc), pyc_meta)
        with open(pyc, "rb") as f:
            self.assertEqual(f.read(), b"compiled")
        self.assertFalse(os.path.exists(os.path.join(self.home, "backup")))

    def test_a_second_install_keeps_the_first_backup(self):
        self.own_file()
        self.enable(b"on\n")
        answer = self.enable(b"on again\n")
        self.assertEqual(base64.b64decode(answer["original"]), b"import os\n")

    def test_no_file_before_delete_leaves_no_trace(self):
        os.rmdir(os.path.join(self.lib, "__pycache__"))
        answer = self.enable(b"# covshim block\n")
        self.assertIsNone(answer["original"])
        self.assertEqual(remote.meta_of(self.shim)["mode"], 0o644)
        os.makedirs(os.path.join(self.lib, "__pycache__"))
        with open(os.path.join(self.lib, "__pycache__", "sitecustomize.cpython-312.pyc"), "wb") as f:
            f.write(b"made while on")
        self.agent("remove", {"dir": self.home, "shim": self.shim, "action": "delete"})
        self.assertEqual(os.listdir(self.lib), [])

    def test_strip_writes_the_tools_text_with_the_files_mode(self):
        self.own_file()
        self.enable(b"import os\n\n# covshim block\n")
        os.chmod(self.shim, 0o600)
        self.agent("remove", {"dir": self.home, "shim": self.shim, "action": "strip", "text": b64(b"USER = 1\nimport os\n")})
        with open(self.shim, "rb") as f:
            self.assertEqual(f.read(), b"USER = 1\nimport os\n")
        self.assertEqual(remote.meta_of(self.shim)["mode"], 0o600)

    def test_remove_without_a_backup_changes_nothing(self):
        self.own_file()
        self.assertEqual(self.agent("read", {"dir": self.home, "shim": self.shim})["saved"], False)
        self.assertEqual(self.agent("remove", {"dir": self.home, "shim": self.shim, "action": "none"}), {"ok": True, "changed": False})

    def test_a_symbolic_link_is_refused(self):
        target = os.path.join(self.tmp, "elsewhere.py")
        open(target, "w").close()
        os.symlink(target, self.shim)
        self.assertRaises(SystemExit, self.agent, "install", self.args)


if __name__ == "__main__":
    unittest.main()
