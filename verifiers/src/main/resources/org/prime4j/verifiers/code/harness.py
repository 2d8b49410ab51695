# prime4j code-verifier harness. Runs INSIDE the sandbox (unprivileged uid, no network, own pid namespace),
# in the same interpreter as the untrusted program, like PRIME's and HumanEval's graders.
#
# Protocol: one JSON job on stdin; one line per finished test on the ORIGINAL stdout, each prefixed by the
# job's nonce, flushed as it happens so that the JVM knows which tests finished if it has to kill us.
# The untrusted program never sees the job or the original stdout: fds 0/1/2 are pointed at /dev/null
# (or at per-test files) before it runs, so nothing it prints can carry the nonce.
import builtins
import io
import json
import math
import os
import resource
import signal
import sys


# PRIME's grader runs stdin/stdout and call-based programs after these imports, so solutions that use
# List, deque, gcd, ... without importing them count as correct; keep parity with its rewards.
PRELUDE = compile("""
from string import *
from re import *
from datetime import *
from collections import *
from heapq import *
from bisect import *
from copy import *
from math import *
from random import *
from statistics import *
from itertools import *
from functools import *
from operator import *
from io import *
from sys import *
from json import *
from builtins import *
from typing import *
import string, re, datetime, collections, heapq, bisect, copy, math, random, statistics, itertools
import functools, operator, io, sys, json
sys.setrecursionlimit(6 * 10 ** 5)
""", "prelude.py", "exec")


class TestTimeout(BaseException):
    """BaseException so that a bare `except Exception` in the program does not swallow the deadline."""


def _on_alarm(signum, frame):
    raise TestTimeout()


def _describe(e):
    text = str(e).replace("\n", " ")
    if len(text) > 160:
        text = text[:160] + "..."
    return type(e).__name__ + (": " + text if text else "")


def _timed(fn, seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _set_limits(limits):
    cpu = int(limits["cpu"])
    # soft CPU limit sends SIGXCPU (fatal), the hard one SIGKILL a second later
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    for name, key in (("RLIMIT_AS", "as"), ("RLIMIT_NPROC", "nproc"),
                      ("RLIMIT_FSIZE", "fsize"), ("RLIMIT_NOFILE", "nofile")):
        v = int(limits[key])
        resource.setrlimit(getattr(resource, name), (v, v))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


# ---- output comparison (stdin/stdout tests), in the spirit of the APPS/TACO checker ----

def _as_text(x):
    if isinstance(x, list):
        return "\n".join(str(v) for v in x)
    return str(x)


def _tokens_close(a, b):
    if a == b:
        return True
    try:
        fa, fb = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(fa) or math.isnan(fb):
        return False
    return math.isclose(fa, fb, rel_tol=1e-6, abs_tol=1e-6)


def same_stdout(got, want):
    want = _as_text(want)
    g = [line.rstrip() for line in got.strip().splitlines()]
    w = [line.rstrip() for line in want.strip().splitlines()]
    if g == w:
        return True
    gt, wt = got.split(), want.split()
    if gt == wt:
        return True
    return len(gt) == len(wt) and all(_tokens_close(a, b) for a, b in zip(gt, wt))


# ---- return-value comparison (call-based tests) ----

class NotPlain(Exception):
    pass


def _plain(x):
    """The value as plain JSON-like data, checked by exact type: a returned object with an always-true
    __eq__ (or a str/int subclass overriding it) is a known reward hack and must not compare equal."""
    t = type(x)
    if x is None or t in (bool, int, float, str):
        return x
    if t in (list, tuple):
        return [_plain(v) for v in x]
    if t is dict:
        return {_plain(k) if type(k) is str else str(_plain(k)): _plain(v) for k, v in x.items()}
    if t.__module__.split(".")[0] == "numpy":
        # numpy scalars and arrays; whatever item()/tolist() return is checked again
        return _plain(x.tolist() if hasattr(x, "tolist") else x.item())
    raise NotPlain(t.__name__)


def _close(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def same_value(got, want):
    try:
        got = _plain(got)
    except (NotPlain, RecursionError):
        return False
    if _close(got, want):
        return True
    # APPS/TACO store a call's expected value wrapped in a one-element list
    return isinstance(want, list) and len(want) == 1 and _close(got, want[0])


class Harness:

    def __init__(self, job, out, null_fd):
        self.job = job
        self.nonce = job["nonce"]
        self.out = out
        self.null_fd = null_fd
        self.seconds = float(job["test_timeout"])
        self.stop_on_fail = bool(job.get("stop_on_fail", False))
        self.failed = False
        self.pid = os.getpid()

    def report(self, i, ok, why):
        if os.getpid() != self.pid:
            os._exit(0)  # a child the program forked: only the harness process speaks
        self.out.write(self.nonce + " " + json.dumps({"i": i, "ok": ok, "why": why}) + "\n")
        self.out.flush()
        if not ok:
            self.failed = True

    def indices(self):
        return range(int(self.job["start"]), len(self.job["tests"]))

    def fail_all(self, why):
        for i in self.indices():
            self.report(i, False, why)
            if self.stop_on_fail:
                return

    def compile(self):
        try:
            return compile(self.job["program"], "solution.py", "exec")
        except BaseException as e:
            self.fail_all("syntax error: " + _describe(e))
            return None

    def load(self, code):
        """Runs setup + program once (call and assert tests); returns its globals or None."""
        g = {"__name__": "solution", "__builtins__": builtins}
        try:
            if self.job["kind"] == "call":
                exec(PRELUDE, g)
            self.prelude = dict(g)
            setup = self.job.get("setup") or ""
            if setup:
                _timed(lambda: exec(compile(setup, "setup.py", "exec"), g), self.seconds)
            _timed(lambda: exec(code, g), self.seconds)
        except TestTimeout:
            self.fail_all("program error: timeout")
            return None
        except BaseException as e:
            self.fail_all("program error: " + _describe(e))
            return None
        return g

    def run(self):
        code = self.compile()
        if code is None:
            return
        kind = self.job["kind"]
        if kind == "stdio":
            self.run_stdio(code)
            return
        g = self.load(code)
        if g is None:
            return
        if kind == "call":
            self.run_call(g)
        else:
            self.run_assert(g)

    def each(self, run_one):
        for i in self.indices():
            try:
                ok, why = run_one(self.job["tests"][i])
            except TestTimeout:
                ok, why = False, "timeout"
            except AssertionError as e:
                ok, why = False, "assertion failed" + (": " + str(e)[:160] if str(e) else "")
            except BaseException as e:
                ok, why = False, "runtime error: " + _describe(e)
            self.report(i, ok, why)
            if self.failed and self.stop_on_fail:
                return

    def run_assert(self, g):
        def one(test):
            _timed(lambda: exec(compile(test, "test.py", "exec"), g), self.seconds)
            return True, "passed"
        self.each(one)

    def run_call(self, g):
        name = self.job["fn_name"]
        fn = None
        if isinstance(g.get("Solution"), type) and hasattr(g["Solution"], name):
            # LeetCode style: the function is a method of class Solution
            fn = getattr(g["Solution"](), name)
        elif g.get(name) is not self.prelude.get(name):
            # defined by the program, not operator.add or math.gcd from the prelude
            fn = g.get(name)
        if not callable(fn):
            self.fail_all("no function named " + name)
            return

        def one(test):
            args = test["args"]
            got = _timed(lambda: fn(*args), self.seconds)
            if same_value(got, test["expected"]):
                return True, "passed"
            return False, "wrong answer"
        self.each(one)

    def run_stdio(self, code):
        def one(test):
            with open(".stdin", "wb") as f:
                f.write(_as_text(test["input"]).encode("utf-8"))
            fd_in = os.open(".stdin", os.O_RDONLY)
            fd_out = os.open(".stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd_in, 0)
            os.dup2(fd_out, 1)
            os.close(fd_in)
            os.close(fd_out)
            sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8", errors="replace")
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
            g = {"__name__": "__main__", "__builtins__": builtins}
            try:
                exec(PRELUDE, g)
                _timed(lambda: exec(code, g), self.seconds)
            except SystemExit:
                pass  # exit() after printing the answer is fine, as in APPS
            finally:
                try:
                    sys.stdout.flush()
                except BaseException:
                    pass
                sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__
                os.dup2(self.null_fd, 0)
                os.dup2(self.null_fd, 1)
            with open(".stdout", "rb") as f:
                got = f.read().decode("utf-8", errors="replace")
            if same_stdout(got, test["output"]):
                return True, "passed"
            return False, "wrong answer"
        self.each(one)


def _system_packages():
    # started with -S: skipping site's .pth processing saves ~15 ms per run; keep the system's packages
    import site
    site.setquit()  # exit() and quit(), which programs call to stop early
    for path in site.getsitepackages():
        if os.path.isdir(path) and path not in sys.path:
            sys.path.append(path)


def main():
    _system_packages()
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    if os.getuid() == 0 or os.geteuid() == 0:
        out.write(job["nonce"] + " " + json.dumps({"refused": "running as root"}) + "\n")
        out.flush()
        return
    null_fd = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null_fd, fd)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False))
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.FileIO(2, "w", closefd=False))
    _set_limits(job["limits"])
    signal.signal(signal.SIGALRM, _on_alarm)
    sys.setrecursionlimit(10000)
    pid = os.getpid()
    Harness(job, out, null_fd).run()
    if os.getpid() != pid:
        os._exit(0)
    out.write(job["nonce"] + " " + json.dumps({"done": True}) + "\n")
    out.flush()
    os._exit(0)  # do not wait for threads the program left running


main()
