"""Loads templates/ files the way covshim runs them: their texts one after
the other in one namespace (src/coverage/datasource.ts, src/shim/render.ts).
Python 2.7 to 3.x, standard library only."""
import os
import types

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TEMPLATES = os.path.join(ROOT, "templates")


def load(*names, **settings):
    """A module made of templates/NAME... in order, with `settings` as globals first."""
    mod = types.ModuleType("covshim_" + "_".join(os.path.splitext(os.path.basename(n))[0] for n in names))
    mod.__dict__.update(settings)
    for name in names:
        path = os.path.join(TEMPLATES, name)
        with open(path) as f:
            exec(compile(f.read(), path, "exec"), mod.__dict__)
    return mod
