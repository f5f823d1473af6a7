# covshim: compiles the shim's module (argv[1]) with the install's own
# interpreter at enable, so that a measured process loads code instead of
# compiling 30 KB of text (about 15 ms). The loader (src/shim/render.ts)
# takes it only while the module is the one it was made from: same size,
# same mtime. Python 2 has no cache tag: it compiles the text each time.
import marshal
import os
import sys

path = sys.argv[1]
tag = getattr(getattr(sys, "implementation", None), "cache_tag", None)
if tag:
    with open(path) as f:
        code = compile(f.read(), "<covshim>", "exec")
    st = os.stat(path)
    out = path[:-3] + "." + tag + ".code"
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(marshal.dumps((st.st_size, st.st_mtime_ns, code)))
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, out)
    sys.stdout.write(out)
