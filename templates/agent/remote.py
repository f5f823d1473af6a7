# covshim remote agent: run on a cluster host by `python - ACTION ARGS` over
# ssh (segment hosts need Python, not Node). Python 2.7 to 3.x, standard
# library only. What covshim does locally, as file operations: save the file
# it replaces (and its cached .pyc) with their metadata before writing, put
# them back byte for byte on remove; pack and acknowledge the host's data.
import base64
import glob
import json
import os
import shutil
import sys


def out(obj):
    sys.stdout.write(json.dumps(obj))


# I/O only. Which file covshim writes, what goes in it and what `off` does
# with it are decided by the tool (src/shim/block.ts, src/shim/lifecycle.ts),
# which sends the bytes: one implementation of the rules, with Node or not.
# What a saved file keeps is src/fs/meta.ts's Meta: permission bits, owner
# and the mtime to the nanosecond, put back on the temporary file before the
# rename, as src/fs/atomic.ts does.

def mtime_ns(path):
    st = os.stat(path)
    ns = getattr(st, "st_mtime_ns", None)
    if ns is None:  # Python 2 has the mtime as a float only: ask GNU stat
        try:
            import subprocess
            with open(os.devnull, "w") as null:  # BSD stat has no -c: it says so on stderr
                sec, frac = subprocess.check_output(["stat", "-c", "%.9Y", path], stderr=null).decode().strip().split(".")
            ns = int(sec) * 1000000000 + int(frac.ljust(9, "0")[:9])
        except Exception:
            ns = int(st.st_mtime * 1e9)
    return ns


def meta_of(path):
    st = os.stat(path)
    return {"mode": st.st_mode & 0o7777, "uid": st.st_uid, "gid": st.st_gid, "mtimeNs": str(mtime_ns(path))}


def set_mtime_ns(path, ns):
    ns = int(ns)
    try:
        os.utime(path, ns=(ns, ns))
    except TypeError:  # Python 2: seconds only
        os.utime(path, (ns / 1e9, ns / 1e9))
    if mtime_ns(path) != ns:
        import subprocess
        import time
        iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1000000000))
        subprocess.call(["touch", "-m", "-c", "-d", "%s.%09dZ" % (iso, ns % 1000000000), "--", path])


def write_atomic(path, data, meta):
    if not isinstance(meta, dict):
        meta = {"mode": meta}
    tmp = path + ".covshim-tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, meta["mode"])
    try:
        os.fchmod(fd, meta["mode"])
        if "uid" in meta and (meta["uid"], meta["gid"]) != (os.getuid(), os.getgid()):
            try:
                os.fchown(fd, meta["uid"], meta["gid"])
            except OSError:
                pass  # only root may give a file away
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    if meta.get("mtimeNs") is not None:
        set_mtime_ns(tmp, meta["mtimeNs"])
    os.rename(tmp, path)


def keep_copy(src, dst):
    with open(src, "rb") as f:
        write_atomic(dst, f.read(), 0o600)


def read_or_none(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read()


def b64(data):
    return None if data is None else base64.b64encode(data).decode("ascii")


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
            out.append([d, mtime_ns(d), sorted(os.listdir(d))])
    return out


def restore_dir_times(dirs):
    for d, ns, names in dirs:
        try:
            if sorted(os.listdir(d)) == names:
                set_mtime_ns(d, ns)
        except OSError:
            pass


def saved_meta(home):
    path = os.path.join(home, "backup", "meta.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def install(a):
    """Writes the coveragerc and the shim's modules, saves what the shim will
    replace (once), and answers the original file's bytes."""
    home = a["dir"]
    for d in (home, a["dataDir"], os.path.join(home, "backup")):
        if not os.path.isdir(d):
            os.makedirs(d, 0o700)
    write_atomic(a["rcfile"], a["rcText"].encode("utf-8"), 0o600)
    # The shim's module beside it, compiled by this host's interpreter (as
    # templates/agent/precompile.py does locally); the install gets its loader.
    tag = getattr(getattr(sys, "implementation", None), "cache_tag", None)
    for path in a["modules"]:
        # A compiled copy is never older than its text (src/shim/module.ts).
        for old in glob.glob(path[:-3] + ".*.code"):
            os.unlink(old)
    for path, text in sorted(a["modules"].items()):
        write_atomic(path, text.encode("utf-8"), 0o600)
        if tag:
            import marshal
            write_atomic(path[:-3] + "." + tag + ".code", marshal.dumps(compile(text, "<covshim>", "exec")), 0o600)
    shim = a["shim"]
    if os.path.islink(shim):
        raise SystemExit("%s is a symbolic link; covshim does not write through links" % shim)
    meta = saved_meta(home)
    if meta is None:
        existed = os.path.exists(shim)
        meta = {"existed": existed, "meta": meta_of(shim) if existed else None, "pycache": os.path.isdir(os.path.join(os.path.dirname(shim), "__pycache__")), "pycs": [], "dirs": dir_times(shim)}
        if existed:
            keep_copy(shim, os.path.join(home, "backup", "original"))
        for i, p in enumerate(pycs(shim)):
            keep_copy(p, os.path.join(home, "backup", "pyc-%d" % i))
            meta["pycs"].append([p, meta_of(p)])
        write_atomic(os.path.join(home, "backup", "meta.json"), json.dumps(meta).encode("utf-8"), 0o600)
    out({"ok": True, "original": b64(read_or_none(os.path.join(home, "backup", "original")))})


def put(a):
    """The shim's file, as the tool made it, with the saved file's mode and owner."""
    meta = saved_meta(a["dir"])
    write_atomic(a["shim"], base64.b64decode(a["text"]), (meta or {}).get("meta") or 0o644)
    out({"ok": True})


def read(a):
    """What `off` decides on: the file now and the one saved (None: none)."""
    meta = saved_meta(a["dir"])
    out({"ok": True, "saved": meta is not None, "current": b64(read_or_none(a["shim"])), "original": b64(read_or_none(os.path.join(a["dir"], "backup", "original")))})


def remove(a):
    """Does what the tool decided (restore, delete, strip or none), then puts
    the .pyc files and the directories' mtimes back and drops the backup."""
    home = a["dir"]
    shim = a["shim"]
    tmp = shim + ".covshim-tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    meta = saved_meta(home)
    if meta is None:
        out({"ok": True, "changed": False})
        return
    action = a["action"]
    if action == "restore":
        with open(os.path.join(home, "backup", "original"), "rb") as f:
            write_atomic(shim, f.read(), meta.get("meta") or 0o644)
    elif action == "delete" and os.path.exists(shim):
        os.unlink(shim)
    elif action == "strip":
        # Edited while on: only the block comes out, the user's edits stay.
        write_atomic(shim, base64.b64decode(a["text"]), meta_of(shim))
    # As locally: the .pyc files as they were, also after a strip (a stale
    # one is rebuilt by Python) and after a removal killed half-way.
    saved = dict((p, (os.path.join(home, "backup", "pyc-%d" % i), m)) for i, (p, m) in enumerate(meta["pycs"]))
    for p in pycs(shim):
        if p not in saved:
            os.unlink(p)
    for p, (b, m) in saved.items():
        with open(b, "rb") as f:
            write_atomic(p, f.read(), m)
    cache = os.path.join(os.path.dirname(shim), "__pycache__")
    if not meta["pycache"] and os.path.isdir(cache) and not os.listdir(cache):
        os.rmdir(cache)
    restore_dir_times(meta.get("dirs", []))
    shutil.rmtree(os.path.join(home, "backup"))
    out({"ok": True, "changed": action != "none"})


def pack(a):
    """Combines this host's data with its own coverage and streams the result.

    The data files of the collect `id` move into collecting/ID first (a
    rename: files a process is still writing stay for the next collect);
    they leave this host only at `ack`, once the other side has the file on
    disk. A second pack of the same id sends the same file again.
    """
    data = a["dataDir"]
    stage = os.path.join(data, "collecting", a["id"])
    if not os.path.isdir(stage):
        os.makedirs(stage, 0o700)
        if os.path.isdir(data):
            for n in sorted(os.listdir(data)):
                if n.startswith(".coverage.") and os.path.isfile(os.path.join(data, n)) and not writer_alive(os.path.join(data, n)):
                    os.rename(os.path.join(data, n), os.path.join(stage, n))
    names = sorted(n for n in os.listdir(stage) if n.startswith(".coverage."))
    combined = stage + ".combined"
    header = {"files": 0, "rawBytes": sum(os.path.getsize(os.path.join(stage, n)) for n in names), "unreadable": []}
    if names and not os.path.exists(combined + ".json"):
        import coverage
        tmp = combined + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        cov = coverage.Coverage(data_file=tmp, config_file=False)
        # The files stay in the stage until the ack; those coverage cannot
        # read go where `covshim report` would put them.
        done = combine_files(cov, stage, names, a["rcfile"], os.path.join(data, "unreadable"), keep=True, dest_name=".coverage.covshim-rec.collect")
        meta = {"files": done["files"], "unreadable": [n for n, _why in done["unreadable"]]}
        if meta["files"]:
            os.rename(tmp, combined)
        elif os.path.exists(tmp):
            os.unlink(tmp)
        write_atomic(combined + ".json", json.dumps(meta).encode("utf-8"), 0o600)
    if os.path.exists(combined + ".json"):
        with open(combined + ".json") as f:
            header.update(json.load(f))
    stream = getattr(sys.stdout, "buffer", sys.stdout)
    stream.write((json.dumps(header) + "\n").encode("utf-8"))
    if header["files"]:
        import zlib
        z = zlib.compressobj(6)
        with open(combined, "rb") as f:
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                stream.write(z.compress(chunk))
        stream.write(z.flush())
    stream.flush()


def ack(a):
    """The other side has the file of collect `id`: its data files are done."""
    data = a["dataDir"]
    stage = os.path.join(data, "collecting", a["id"])
    done = os.path.join(data, "collected")
    if os.path.isdir(stage):
        if not os.path.isdir(done):
            os.makedirs(done, 0o700)
        for n in os.listdir(stage):
            os.rename(os.path.join(stage, n), os.path.join(done, n))
        os.rmdir(stage)
    for p in (stage + ".combined", stage + ".combined.json"):
        if os.path.exists(p):
            os.unlink(p)
    out({"ok": True})


if __name__ == "__main__":
    action = sys.argv[1]
    args = json.loads(base64.b64decode(sys.argv[2]).decode("utf-8")) if len(sys.argv) > 2 else {}
    try:
        {"install": install, "put": put, "read": read, "remove": remove, "pack": pack, "ack": ack}[action](args)
    except SystemExit:
        raise
    except Exception as e:
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
