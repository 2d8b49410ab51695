#!/usr/bin/env python3
"""An independent reader and writer of TensorBoard event files, to check prime4j's Java writer
(orchestrator/.../metrics/EventFile.java, TfRecord.java) against.

Nothing here is shared with the Java side but the .proto (orchestrator/src/main/proto/tensorboard_event.proto,
TensorFlow's field numbers): the TFRecord framing is parsed here by hand, both CRCs are checked with the CRC32C
below (a bitwise table of the Castagnoli polynomial, not the JDK's), and the Event messages are decoded by
protobuf's Python runtime from that .proto compiled with `protoc --python_out`.

Needs Debian's python3-protobuf and protobuf-compiler (same protobuf version, 3.21 on bookworm):
    apt-get install -y python3-protobuf protobuf-compiler

    /usr/bin/python3 orchestrator/src/test/python/tfevents.py dump FILE
        every event as one JSON line; exits non-zero on a bad CRC or a cut record
    /usr/bin/python3 orchestrator/src/test/python/tfevents.py expect FILE EXPECTED.json
        checks FILE against a hand-written list of events (simple values compared as float32)
    /usr/bin/python3 orchestrator/src/test/python/tfevents.py write SPEC.json OUT
        writes the events of SPEC.json (the format of EXPECTED.json) as an event file

The fixtures under orchestrator/src/test/resources/fixtures/tensorboard/ (see README there) were made and
checked with it; the Java tests compare against them without needing Python.
"""
import importlib
import json
import os
import struct
import subprocess
import sys
import tempfile

PROTO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "proto")
PROTO = "tensorboard_event.proto"


# --- CRC32C (Castagnoli), reflected polynomial 0x82F63B78 -------------------------------------------------
def _table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


_TABLE = _table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the check value of CRC-32C (RFC 3720, B.4)


def masked_crc(data):
    c = crc32c(data)
    return ((((c >> 15) | (c << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


# --- TFRecord ------------------------------------------------------------------------------------------------
def records(blob):
    pos = 0
    while pos < len(blob):
        if len(blob) - pos < 12:
            raise ValueError("record at byte %d: header cut short" % pos)
        header = blob[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", blob[pos + 8:pos + 12])
        if length_crc != masked_crc(header):
            raise ValueError("record at byte %d: length CRC %08x, expected %08x" % (pos, length_crc, masked_crc(header)))
        start = pos + 12
        end = start + length
        if end + 4 > len(blob):
            raise ValueError("record at byte %d: data cut short" % pos)
        data = blob[start:end]
        (data_crc,) = struct.unpack("<I", blob[end:end + 4])
        if data_crc != masked_crc(data):
            raise ValueError("record at byte %d: data CRC %08x, expected %08x" % (pos, data_crc, masked_crc(data)))
        yield data
        pos = end + 4


def frame(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc(header)) + data + struct.pack("<I", masked_crc(data))


# --- Event messages, from the .proto ---------------------------------------------------------------------------
def event_module():
    out = tempfile.mkdtemp(prefix="tfevents-py-")
    protoc = os.environ.get("PROTOC", "protoc")
    subprocess.run([protoc, "--proto_path=" + os.path.abspath(PROTO_DIR), "--python_out=" + out, PROTO], check=True)
    sys.path.insert(0, out)
    return importlib.import_module(PROTO[:-len(".proto")] + "_pb2")


def as_json(event):
    e = {"wall_time": event.wall_time, "step": event.step}
    what = event.WhichOneof("what")
    if what == "file_version":
        e["file_version"] = event.file_version
    elif what == "summary":
        values = {}
        for v in event.summary.value:
            if v.WhichOneof("value") != "simple_value":
                raise ValueError("step %d, tag %s: not a simple_value" % (event.step, v.tag))
            if v.tag in values:
                raise ValueError("step %d: tag %s twice" % (event.step, v.tag))
            values[v.tag] = v.simple_value
        e["values"] = values
    else:
        raise ValueError("step %d: unexpected event kind %s" % (event.step, what))
    return e


def read(path, pb):
    with open(path, "rb") as f:
        blob = f.read()
    out = []
    for data in records(blob):
        ev = pb.Event()
        ev.ParseFromString(data)
        if ev.SerializeToString() != data:
            raise ValueError("step %d: the record does not re-encode to the same bytes" % ev.step)
        out.append(as_json(ev))
    return out


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def expect(path, expected_path, pb):
    with open(expected_path) as f:
        expected = json.load(f)
    actual = read(path, pb)
    problems = []
    if len(actual) != len(expected):
        problems.append("%d events, expected %d" % (len(actual), len(expected)))
    if actual and actual[0].get("file_version") != "brain.Event:2":
        problems.append("the first event is not file_version brain.Event:2")
    for i, (a, e) in enumerate(zip(actual, expected)):
        for key in ("wall_time", "step", "file_version"):
            if a.get(key) != e.get(key):
                problems.append("event %d: %s %r, expected %r" % (i, key, a.get(key), e.get(key)))
        av = a.get("values", {})
        ev = {k: f32(v) for k, v in e.get("values", {}).items()}
        if sorted(av) != sorted(ev):
            problems.append("event %d: tags %s, expected %s" % (i, sorted(av), sorted(ev)))
        for k in sorted(set(av) & set(ev)):
            if av[k] != ev[k]:
                problems.append("event %d: %s = %r, expected %r" % (i, k, av[k], ev[k]))
    if problems:
        raise SystemExit("%s:\n  " % path + "\n  ".join(problems))
    print("%s: %d events as expected (CRCs and re-encoding checked)" % (path, len(actual)))


def write(spec_path, out_path, pb):
    with open(spec_path) as f:
        spec = json.load(f)
    with open(out_path, "wb") as out:
        for e in spec:
            ev = pb.Event(wall_time=e["wall_time"], step=e["step"])
            if "file_version" in e:
                ev.file_version = e["file_version"]
            else:
                ev.summary.SetInParent()
                for tag, v in e["values"].items():
                    ev.summary.value.add(tag=tag, simple_value=v)
            out.write(frame(ev.SerializeToString()))
    print("wrote %s (%d events)" % (out_path, len(spec)))


def main(argv):
    if len(argv) < 2 or argv[0] not in ("dump", "expect", "write"):
        raise SystemExit(__doc__)
    pb = event_module()
    if argv[0] == "dump":
        for path in argv[1:]:
            for e in read(path, pb):
                print(json.dumps(e, sort_keys=True))
    elif argv[0] == "expect":
        expect(argv[1], argv[2], pb)
    else:
        write(argv[1], argv[2], pb)


if __name__ == "__main__":
    main(sys.argv[1:])
