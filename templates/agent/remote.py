# covshim remote agent: run on a cluster host by `python - ACTION ARGS` over
# ssh (segment hosts need Python, not Node). Python 2.7 to 3.x, standard
# library only. Mirrors what covshim does locally: save the file it replaces
# (and its cached .pyc) before writing, restore them byte for byte on remove.
import base64
import glob
import json
import os
import re
import shutil
import sys

# The rules for covshim's block in a sitecustomize.py, on bytes: those of
# src/shim/block.ts, line for line (test/shim/block-contract.test.ts runs both
# on the same cases). The markers come from the caller (src/shim/render.ts).
HAND = re.compile(br"^([ \t]*)((?:import coverage[ \t]*;[ \t]*)?coverage\.process_startup\([ \t]*\).*)$", re.M)
DISABLED = re.compile(br"^([ \t]*)pass {2}# covshim-disabled: (.*)$", re.M)


def block_at(text, begin, end):
    start = text.find(begin)
    end_at = -1 if start < 0 else text.find(end, start)
    if end_at < 0:
        return None
    stop = end_at + len(end)
    return start, stop + (1 if text[stop:stop + 1] == b"\n" else 0)


def with_block(original, block):
    sep = b"" if original == b"" or original.endswith(b"\n\n") else (b"\n" if original.endswith(b"\n") else b"\n\n")
    return original + sep + block


def disable_hand(text):
    return HAND.sub(br"\1pass  # covshim-disabled: \2", text)


def enable_hand(text):
    return DISABLED.sub(br"\1\2", text)


def on_text(original, block):
    return with_block(disable_hand(original), block)


def strip_block(text, begin, end):
    at = block_at(text, begin, end)
    if at is None:
        return None
    start = at[0]
    if text[:start].endswith(b"\n\n") and at[1] == len(text):
        start -= 1
    return text[:start] + text[at[1]:]


def removal(current, original, begin, end):
    """What remove does with the file: ("none"|"restore"|"delete"|"strip", text)."""
    at = block_at(current, begin, end)
    if at is None:
        return "none", None
    stripped = strip_block(current, begin, end)
    if current == on_text(original or b"", current[at[0]:at[1]]):
        return ("delete" if original is None else "restore"), None
    if original is None and stripped.strip() == b"":
        return "delete", None
    return "strip", enable_hand(stripped)


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
    # The shim's module beside it, compiled by this host's interpreter (as
    # templates/shim/precompile.py does locally); the install gets its loader.
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
    mode = os.stat(shim).st_mode & 0o7777 if os.path.exists(shim) else 0o644
    write_atomic(shim, on_text(original, base64.b64decode(a["block"])), mode)
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
    current = open(shim, "rb").read() if os.path.exists(shim) else b""
    orig = os.path.join(home, "backup", "original")
    original = None
    if meta["existed"]:
        with open(orig, "rb") as f:
            original = f.read()
    action, text = removal(current, original, a["begin"].encode("utf-8"), a["end"].encode("utf-8"))
    changed = action != "none"
    if action == "restore":
        shutil.copy2(orig, tmp)
        os.rename(tmp, shim)
    elif action == "delete":
        os.unlink(shim)
    elif action == "strip":
        # Edited while on: only the block comes out, the user's edits stay.
        write_atomic(shim, text, os.stat(shim).st_mode & 0o7777)
    # As locally: the .pyc files as they were, also after a strip (a stale
    # one is rebuilt by Python) and after a removal killed half-way.
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
    recs = [n for n in names if is_recorder(n)]
    combined = stage + ".combined"
    header = {"files": 0, "rawBytes": sum(os.path.getsize(os.path.join(stage, n)) for n in names), "unreadable": []}
    if names and not os.path.exists(combined + ".json"):
        import warnings
        import coverage
        said = []
        tmp = combined + ".tmp"
        if os.path.exists(tmp):
            os.unlink(tmp)
        bad_recs = []
        converted = []
        if recs:
            # covshim's recorder: its files become one coverage.py data file
            # in the stage, combined with the others. They stay in the stage,
            # as the raw files do, until the ack.
            converted, bad_recs = convert_recorders([os.path.join(stage, n) for n in recs], os.path.join(stage, ".coverage.covshim-rec.collect"), a["rcfile"], keep=True)
        names = sorted(n for n in os.listdir(stage) if n.startswith(".coverage.") and not is_recorder(n))
        made = [n for n in names if n.startswith(".coverage.covshim-rec.")]
        cov = coverage.Coverage(data_file=tmp, config_file=False)
        cov._warn = lambda msg, slug=None, once=False: said.append(str(msg))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cov.combine(data_paths=[os.path.join(stage, n) for n in names], strict=False, keep=True)
            cov.save()
        said += [str(w.message) for w in caught]
        bad = [n for n in names if any(n in w for w in said)] + [n for n, _ in bad_recs]
        if bad:
            # Kept, set aside where `covshim report` would put them, and named.
            aside = os.path.join(data, "unreadable")
            if not os.path.isdir(aside):
                os.makedirs(aside, 0o700)
            for n in bad:
                os.rename(os.path.join(stage, n), os.path.join(aside, n))
        # What the processes wrote: the recorder's files count, not the file made of them.
        meta = {"files": len(names) - len(made) - len(bad) + len(bad_recs) + len(converted), "unreadable": bad}
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
        {"install": install, "remove": remove, "pack": pack, "ack": ack}[action](args)
    except SystemExit:
        raise
    except Exception as e:
        sys.stderr.write("%s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
