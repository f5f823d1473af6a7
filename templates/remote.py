# covshim remote agent: run on a cluster host by `python - ACTION ARGS` over
# ssh (segment hosts need Python, not Node). Python 2.7 to 3.x, standard
# library only. Mirrors what covshim does locally: save the file it replaces
# (and its cached .pyc) before writing, restore them byte for byte on remove.
import base64
import glob
import json
import os
import shutil
import sys

BEGIN = "# >>> covshim >>>"


def out(obj):
    sys.stdout.write(json.dumps(obj))


def write_atomic(path, data, mode):
    tmp = path + ".covshim-tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.rename(tmp, path)


def pycs(shim):
    # __pycache__ for Python 3, beside the source for Python 2 (GPDB 6).
    found = glob.glob(os.path.join(os.path.dirname(shim), "__pycache__", "sitecustomize.*.pyc"))
    found += glob.glob(os.path.join(os.path.dirname(shim), "sitecustomize.pyc"))
    return sorted(found)


def dir_times(shim):
    # The directories whose entries the shim changes: mtime and entries, put
    # back at remove while the entries are the same.
    out = []
    for d in (os.path.dirname(shim), os.path.join(os.path.dirname(shim), "__pycache__")):
        if os.path.isdir(d):
            st = os.stat(d)
            out.append([d, getattr(st, "st_mtime_ns", None) or int(st.st_mtime * 1e9), sorted(os.listdir(d))])
    return out


def restore_dir_times(dirs):
    for d, ns, names in dirs:
        try:
            if sorted(os.listdir(d)) != names:
                continue
            try:
                os.utime(d, ns=(ns, ns))
            except TypeError:  # Python 2: seconds only
                os.utime(d, (ns / 1e9, ns / 1e9))
        except OSError:
            pass


def install(a):
    home = a["dir"]
    for d in (home, a["dataDir"], os.path.join(home, "backup")):
        if not os.path.isdir(d):
            os.makedirs(d, 0o700)
    write_atomic(a["rcfile"], a["rcText"].encode("utf-8"), 0o600)
    shim = a["shim"]
    meta_file = os.path.join(home, "backup", "meta.json")
    if os.path.islink(shim):
        raise SystemExit("%s is a symbolic link; covshim does not write through links" % shim)
    if not os.path.exists(meta_file):
        meta = {"existed": os.path.exists(shim), "pycache": os.path.isdir(os.path.join(os.path.dirname(shim), "__pycache__")), "pycs": [], "dirs": dir_times(shim)}
        if meta["existed"]:
            shutil.copy2(shim, os.path.join(home, "backup", "original"))
        for i, p in enumerate(pycs(shim)):
            shutil.copy2(p, os.path.join(home, "backup", "pyc-%d" % i))
            meta["pycs"].append(p)
        write_atomic(meta_file, json.dumps(meta).encode("utf-8"), 0o600)
    original = b""
    if os.path.exists(os.path.join(home, "backup", "original")):
        with open(os.path.join(home, "backup", "original"), "rb") as f:
            original = f.read()
    sep = b"" if original in (b"",) or original.endswith(b"\n\n") else (b"\n" if original.endswith(b"\n") else b"\n\n")
    write_atomic(shim, original + sep + base64.b64decode(a["block"]), 0o644)
    out({"ok": True})


def remove(a):
    home = a["dir"]
    shim = a["shim"]
    meta_file = os.path.join(home, "backup", "meta.json")
    tmp = shim + ".covshim-tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    if not os.path.exists(meta_file):
        out({"ok": True, "changed": False})
        return
    with open(meta_file) as f:
        meta = json.load(f)
    changed = False
    current = open(shim, "rb").read() if os.path.exists(shim) else b""
    if BEGIN.encode("utf-8") in current:
        changed = True
        if meta["existed"]:
            orig = os.path.join(home, "backup", "original")
            tmpc = shim + ".covshim-tmp"
            shutil.copy2(orig, tmpc)
            os.rename(tmpc, shim)
        else:
            os.unlink(shim)
        saved = dict((p, os.path.join(home, "backup", "pyc-%d" % i)) for i, p in enumerate(meta["pycs"]))
        for p in pycs(shim):
            if p not in saved:
                os.unlink(p)
        for p, b in saved.items():
            shutil.copy2(b, p)
        cache = os.path.join(os.path.dirname(shim), "__pycache__")
        if not meta["pycache"] and os.path.isdir(cache) and not os.listdir(cache):
            os.rmdir(cache)
    restore_dir_times(meta.get("dirs", []))
    shutil.rmtree(os.path.join(home, "backup"))
    out({"ok": True, "changed": changed})


def collect(a):
    names = sorted(n for n in os.listdir(a["dataDir"]) if n.startswith(".coverage.")) if os.path.isdir(a["dataDir"]) else []
    files = {}
    for n in names:
        p = os.path.join(a["dataDir"], n)
        with open(p, "rb") as f:
            files[n] = base64.b64encode(f.read()).decode("ascii")
    out({"ok": True, "files": files})
    # Handed over: moved aside so a second collect does not bring them twice.
    done = os.path.join(a["dataDir"], "collected")
    if names and not os.path.isdir(done):
        os.makedirs(done, 0o700)
    for n in names:
        os.rename(os.path.join(a["dataDir"], n), os.path.join(done, n))


if __name__ == "__main__":
    action = sys.argv[1]
    args = json.loads(base64.b64decode(sys.argv[2]).decode("utf-8")) if len(sys.argv) > 2 else {}
    try:
        {"install": install, "remove": remove, "collect": collect}[action](args)
    except SystemExit:
        raise
    except Exception as e:
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
