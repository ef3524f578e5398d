"""Drives a schema registry with Confluent's SchemaRegistryClient.

stdin: {"registry": url, "ops": [{"op": name, ...args}]}
stdout: one line per op, in order: {"i", "op", "ok": true, "result": ...}
        or {"i", "op", "ok": false, "status": http status, "code": error
        code, "message"}.
Ops: register, get_schema, lookup, versions, get_version, latest,
subjects, get_compat, set_compat, test_compat, delete_subject.
"""

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

from common import emit, read_config


def schema(op):
    return Schema(op["schema"], op.get("type", "AVRO"))


def registered(rs):
    return {"id": rs.schema_id, "subject": rs.subject, "version": rs.version,
            "schema": rs.schema.schema_str, "type": rs.schema.schema_type,
            "guid": str(rs.guid) if getattr(rs, "guid", None) else None}


def run(c, op):
    name = op["op"]
    if name == "register":
        return c.register_schema(op["subject"], schema(op))
    if name == "get_schema":
        s = c.get_schema(op["id"])
        return {"schema": s.schema_str, "type": s.schema_type}
    if name == "lookup":
        return registered(c.lookup_schema(op["subject"], schema(op)))
    if name == "versions":
        return c.get_versions(op["subject"])
    if name == "get_version":
        return registered(c.get_version(op["subject"], op["version"]))
    if name == "latest":
        return registered(c.get_latest_version(op["subject"]))
    if name == "subjects":
        return sorted(c.get_subjects())
    if name == "get_compat":
        return c.get_compatibility(op.get("subject"))
    if name == "set_compat":
        return c.set_compatibility(op.get("subject"), op["level"])
    if name == "test_compat":
        return c.test_compatibility(op["subject"], schema(op), op.get("version", "latest"))
    if name == "delete_subject":
        return c.delete_subject(op["subject"], op.get("permanent", False))
    raise ValueError("unknown op " + name)


def main():
    cfg = read_config()
    # A fresh client per op list: nothing is answered from its cache that
    # the server was not asked for at least once.
    c = SchemaRegistryClient({"url": cfg["registry"]})
    for i, op in enumerate(cfg["ops"]):
        try:
            res = run(c, op)
            if isinstance(res, dict) and "level" in res and len(res) == 1:
                res = res["level"]
            emit({"i": i, "op": op["op"], "ok": True, "result": res})
        except SchemaRegistryError as e:
            emit({"i": i, "op": op["op"], "ok": False, "status": e.http_status_code,
                  "code": e.error_code, "message": e.error_message})


if __name__ == "__main__":
    main()
