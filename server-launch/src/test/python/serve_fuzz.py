#!/usr/bin/env python3
"""Issue 12's greedy-request fuzz against a running `prime4j serve` (standard library only).

Sends, in order: n=10000 x max_tokens=400 with a client that gives up after 15 s; the largest request the
server's limits accept, with a client that gives up after 3 s (the disconnect path); a 4 MB and a 19 MB string
prompt; and after each a small request from another client. Prints what each got and how long it took, and the
server's RSS (VmRSS, and VmHWM = peak) read from /proc/PID/status.

usage: serve_fuzz.py BASE_URL SERVER_PID MAX_N MAX_GENERATED_TOKENS MAX_BATCH_SIZE
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse

BASE, PID = sys.argv[1], int(sys.argv[2])
MAX_N, MAX_TOKENS_TOTAL, BATCH = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])


def rss():
    fields = {}
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                fields[k] = int(v.split()[0]) // 1024
    return f"RSS {fields['VmRSS']} MB, peak {fields['VmHWM']} MB"


def post(body, timeout):
    """POST with a total deadline, as the pool's OkHttp callTimeout: at the deadline the client closes its socket."""
    url = urllib.parse.urlparse(BASE)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    data = json.dumps(body).encode()
    t0 = time.monotonic()
    gave_up = threading.Event()

    def give_up():
        gave_up.set()
        if conn.sock is not None:
            conn.sock.shutdown(socket.SHUT_RDWR)
            conn.sock.close()

    timer = threading.Timer(timeout, give_up)
    timer.start()
    try:
        conn.request("POST", "/v1/completions", body=data, headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        payload = r.read()
        if r.status == 200:
            out = f"200 ({len(payload)} bytes)"
        else:
            out = f"{r.status} {json.loads(payload)['error']['message'][:110]}"
    except Exception as e:
        out = "client gave up" if gave_up.is_set() else f"failed: {type(e).__name__} {e}"
    finally:
        timer.cancel()
        conn.close()
    return out, time.monotonic() - t0


def small(label):
    out, dt = post({"prompt": "1+2=", "max_tokens": 8, "temperature": 0}, 900)
    print(f"  small request after {label}: {out} in {dt:.2f} s; {rss()}")


print(f"start: {rss()}")
# the max_tokens, with two batches of samples (the limits would accept more): the client gives up
# during the first, the second must never run
per_seq = 400
n_at_limit = min(MAX_N, MAX_TOKENS_TOTAL // per_seq, 2 * BATCH)
cases = [
    ("n=10000 max_tokens=400 (client timeout 15 s)", {"prompt": "1+2=", "n": 10000, "max_tokens": 400}, 15),
    (f"n={n_at_limit} max_tokens={per_seq} within the limits (client timeout 15 s)",
     {"prompt": "1+2=", "n": n_at_limit, "max_tokens": per_seq, "ignore_eos": True}, 15),
    ("4 MB string prompt", {"prompt": "7" * (4 << 20), "max_tokens": 4}, 120),
    ("19 MB string prompt", {"prompt": "7" * (19 << 20), "max_tokens": 4}, 120),
]
for label, body, timeout in cases:
    out, dt = post(body, timeout)
    print(f"{label}: {out} in {dt:.2f} s; {rss()}")
    small(label)
print(f"end: {rss()}")
