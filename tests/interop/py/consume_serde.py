"""Reads topics with Confluent's DeserializingConsumer and its Schema Registry
deserializers (Avro, Protobuf, JSON Schema), pointed at schemagen's registry.

stdin: {"registry": url, "brokers": "h:p", "timeout": seconds,
        "cases": [{"topic", "format": "avro"|"protobuf"|"json", "partitions",
                   "expect": n, "key_fds", "key_message", "value_fds",
                   "value_message"}]}
stdout: one line per record {"topic", "partition", "offset", "key", "value",
        "error"}, then one {"summary": topic, "records", "errors"} per case.
The deserializers use their defaults: schema.id.deserializer is
dual_schema_id_deserializer (header first, then the payload prefix).
"""

import time
import uuid

from confluent_kafka import DeserializingConsumer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.error import ConsumeError
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer

from common import emit, message_class, plain, read_config


def deserializers(case, client):
    fmt = case["format"]
    if fmt == "avro":
        return AvroDeserializer(client), AvroDeserializer(client)
    if fmt == "json":
        return (JSONDeserializer(None, schema_registry_client=client),
                JSONDeserializer(None, schema_registry_client=client))
    if fmt == "protobuf":
        k = message_class(case["key_fds"], case["key_message"])
        v = message_class(case["value_fds"], case["value_message"])
        return (ProtobufDeserializer(k, {}, schema_registry_client=client),
                ProtobufDeserializer(v, {}, schema_registry_client=client))
    raise ValueError(fmt)


def run_case(cfg, case, client):
    kd, vd = deserializers(case, client)
    c = DeserializingConsumer({
        "bootstrap.servers": cfg["brokers"],
        "group.id": "interop-" + uuid.uuid4().hex,
        "enable.auto.commit": False,
        "key.deserializer": kd,
        "value.deserializer": vd,
    })
    c.assign([TopicPartition(case["topic"], p, OFFSET_BEGINNING) for p in range(case["partitions"])])
    records = errors = 0
    deadline = time.time() + cfg.get("timeout", 60)
    try:
        while records + errors < case["expect"] and time.time() < deadline:
            try:
                msg = c.poll(0.5)
            except ConsumeError as e:
                # A deserializer failed: the record is in e.kafka_message.
                m = e.kafka_message
                errors += 1
                emit({"topic": case["topic"], "partition": m.partition() if m else -1,
                      "offset": m.offset() if m else -1, "error": str(e)})
                continue
            if msg is None:
                continue
            if msg.error():
                emit({"topic": case["topic"], "error": "kafka: " + str(msg.error())})
                errors += 1
                continue
            records += 1
            emit({"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                  "key": plain(msg.key()), "value": plain(msg.value())})
        # Anything beyond the expected count is read too: the Go test
        # checks that counts match exactly.
        end = time.time() + 1.0
        while time.time() < end:
            try:
                msg = c.poll(0.2)
            except ConsumeError as e:
                errors += 1
                emit({"topic": case["topic"], "error": "extra: " + str(e)})
                continue
            if msg is not None and not msg.error():
                records += 1
                emit({"topic": msg.topic(), "partition": msg.partition(), "offset": msg.offset(),
                      "key": plain(msg.key()), "value": plain(msg.value())})
    finally:
        c.close()
    emit({"summary": case["topic"], "records": records, "errors": errors})


def main():
    cfg = read_config()
    client = SchemaRegistryClient({"url": cfg["registry"]})
    for case in cfg["cases"]:
        run_case(cfg, case, client)


if __name__ == "__main__":
    main()
