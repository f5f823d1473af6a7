import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.stdout.flush()  # MARK before-exec
os.execv(sys.executable, [sys.executable, os.path.join(HERE, "leaf.py"), "exec"])
