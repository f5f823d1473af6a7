import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
subprocess.check_call([sys.executable, os.path.join(HERE, "leaf.py")])  # MARK os.system-child
