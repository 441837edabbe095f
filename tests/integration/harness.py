"""A small runner for integration cases that share one sandbox.

Each case restores what it changed. With `sandboxes=N` (N > 1) N sandboxes
boot at once and each case, setup and teardown gets the list of them. Prints one PASS/FAIL line per case and a
closing `N passed, N failed` line. Exit status: 0 all passed, 1 any failed,
77 when the sandbox cannot run here (never under CI=true: then it is 1).
"""
import argparse
import contextlib
import os
import sys
import time
import traceback

from sandbox import MissingPrerequisite, Sandbox, prerequisites

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def main(setup=None, teardown_each=None, sandboxes=1, docker=False):
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", dest="only", default=None, help="run only cases whose name contains this")
    args = ap.parse_args()
    in_ci = os.environ.get("CI") == "true"
    why = prerequisites()
    if why:
        if in_ci:
            print("FAIL: integration tests cannot run under CI: %s" % why)
            return 1
        print("SKIP: %s" % why)
        return 77
    passed = failed = 0
    started = time.monotonic()
    try:
        with contextlib.ExitStack() as stack:
            names = ["netcfg-test"] if sandboxes == 1 else \
                ["netcfg-test-%d" % i for i in range(1, sandboxes + 1)]
            booted = [stack.enter_context(Sandbox(args.binary, name=n, docker=docker))
                      for n in names]
            sb = booted[0] if sandboxes == 1 else booted
            print("%d sandbox%s booted in %.1fs: %s" % (sandboxes, "" if sandboxes == 1 else "es",
                                                        time.monotonic() - started,
                                                        booted[0].release()))
            if setup:
                setup(sb)
            for fn in CASES:
                if args.only and args.only not in fn.__name__:
                    continue
                t0 = time.monotonic()
                try:
                    fn(sb)
                    passed += 1
                    print("PASS %s (%.1fs)" % (fn.__name__, time.monotonic() - t0), flush=True)
                except Exception:
                    failed += 1
                    print("FAIL %s (%.1fs)" % (fn.__name__, time.monotonic() - t0))
                    print(traceback.format_exc(), flush=True)
                finally:
                    if teardown_each:
                        try:
                            teardown_each(sb)
                        except Exception:
                            failed += 1
                            print("FAIL restoring state after %s" % fn.__name__)
                            print(traceback.format_exc(), flush=True)
    except MissingPrerequisite as e:
        print("FAIL: %s" % e)
        return 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def run(setup=None, teardown_each=None, sandboxes=1, docker=False):
    sys.exit(main(setup, teardown_each, sandboxes, docker))
