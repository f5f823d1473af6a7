# covshim: compiles the shim's modules (the arguments) with the install's own
# interpreter at enable, so that a measured process loads code instead of
# compiling text (30 KB took about 15 ms). covshim removes the old compiled
# copies before it writes the modules, so a copy is never older than its
# text. Python 2 has no cache tag: it compiles the text.
import marshal
import os
import sys

tag = getattr(getattr(sys, "implementation", None), "cache_tag", None)
for path in sys.argv[1:] if tag else []:
    with open(path) as f:
        code = compile(f.read(), "<covshim>", "exec")
    out = path[:-3] + "." + tag + ".code"
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(marshal.dumps(code))
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, out)
    sys.stdout.write(out + "\n")
