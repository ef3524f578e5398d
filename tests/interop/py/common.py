"""Helpers shared by the interop scripts (stdlib and the pinned venv only)."""

import base64
import collections.abc
import datetime
import json
import sys
import uuid

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message_factory import GetMessageClass


def read_config():
    """The Go test passes its configuration as one JSON document on stdin."""
    return json.load(sys.stdin)


def emit(obj):
    """One JSON object per stdout line; the Go test parses them."""
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def message_class(fds_b64, full_name):
    """Builds a Protobuf message class from a base64 FileDescriptorSet.

    Each call gets its own pool, so two files with the same name (the key's
    and the value's schema.proto) do not clash.
    """
    fds = descriptor_pb2.FileDescriptorSet.FromString(base64.b64decode(fds_b64))
    pool = descriptor_pool.DescriptorPool()
    for fd in fds.file:
        pool.Add(fd)
    return GetMessageClass(pool.FindMessageTypeByName(full_name))


def plain(v):
    """Turns a decoded value (dict, list, Protobuf message) into plain JSON
    data. Protobuf messages become dicts of their set fields with int64s as
    numbers (MessageToDict would make them strings), map fields as dicts,
    a google.protobuf.Timestamp and an Avro timestamp as RFC 3339 text, a
    date as YYYY-MM-DD, a uuid as its string;
    bytes become {"$bytes": base64}."""
    if hasattr(v, "ListFields") and getattr(v.DESCRIPTOR, "full_name", "") == "google.protobuf.Timestamp":
        return v.ToJsonString()  # as protojson writes it
    if hasattr(v, "ListFields") and hasattr(v, "DESCRIPTOR"):
        out = {}
        for field, value in v.ListFields():
            out[field.name] = plain(value)
        return out
    if isinstance(v, collections.abc.Mapping):
        # A Protobuf map field's container is not a dict.
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)) or type(v).__name__.startswith("Repeated"):
        return [plain(x) for x in v]
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, datetime.datetime):
        # Avro timestamps, in the RFC 3339 form the Go test writes.
        return v.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z").replace(".000Z", "Z")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, bytes):
        return {"$bytes": base64.b64encode(v).decode()}
    return v


def headers_list(hs):
    return [[k, v.hex() if v is not None else None] for k, v in (hs or [])]
