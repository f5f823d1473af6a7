"""Runs the unittest files named on the command line in this interpreter
(test/templates.test.ts runs it with 2.7, 3.12 and 3.13), and exits
non-zero when any test fails. Python 2.7 to 3.x."""
import os
import sys
import types
import unittest

suite = unittest.TestSuite()
for path in sys.argv[1:]:
    name = os.path.splitext(os.path.basename(path))[0]
    mod = types.ModuleType(name)
    mod.__file__ = os.path.abspath(path)
    with open(path) as f:
        exec(compile(f.read(), mod.__file__, "exec"), mod.__dict__)
    sys.modules[name] = mod
    suite.addTests(unittest.defaultTestLoader.loadTestsFromModule(mod))
result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2).run(suite)
sys.stdout.write("ran %d, failed %d, errors %d, skipped %d\n" % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped)))
sys.exit(0 if result.wasSuccessful() and result.testsRun and not result.skipped else 1)
