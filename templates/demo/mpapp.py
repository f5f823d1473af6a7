"""A small multi-process program: every kind of process start covshim must measure."""
import multiprocessing
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fork_worker(x):
    return x * 2  # MARK fork-pool-worker


def spawn_target(q):
    q.put("spawned")  # MARK spawn-process


def main():
    # As most code writes it: the pool's __exit__ terminates the workers (SIGTERM).
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(fork_worker, [1, 2, 3]) == [2, 4, 6]
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=spawn_target, args=(q,))
    p.start()
    assert q.get() == "spawned"
    p.join()
    subprocess.check_call([sys.executable, os.path.join(HERE, "child.py")])
    rc = os.system('"%s" "%s"' % (sys.executable, os.path.join(HERE, "grand.py")))
    assert rc == 0
    subprocess.check_call([sys.executable, os.path.join(HERE, "execer.py")])
    print("mpapp: all processes ran")  # MARK main


if __name__ == "__main__":
    main()
