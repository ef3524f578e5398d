"""Writes records with Confluent's SerializingProducer and its Schema Registry
serializers (Avro, Protobuf, JSON Schema), auto-registering the schemas in
schemagen's registry.

stdin: {"registry": url, "brokers": "h:p",
        "cases": [{"topic", "format", "framing": "prefix"|"header",
                   "key_schema", "value_schema" (avro/json text),
                   "key_fds", "key_message", "value_fds", "value_message"
                   (protobuf), "records": [[key_dict, value_dict], ...]}]}
stdout: {"topic", "delivered", "failed", "first_error"} per case.
"""

from confluent_kafka import SerializingProducer
from confluent_kafka.schema_registry import SchemaRegistryClient, header_schema_id_serializer
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from google.protobuf import json_format

from common import emit, message_class, read_config


def serializers(case, client):
    conf = {"auto.register.schemas": True}
    if case["framing"] == "header":
        conf["schema.id.serializer"] = header_schema_id_serializer
    fmt = case["format"]
    if fmt == "avro":
        return (AvroSerializer(client, case["key_schema"], conf=dict(conf)),
                AvroSerializer(client, case["value_schema"], conf=dict(conf)), None, None)
    if fmt == "json":
        return (JSONSerializer(case["key_schema"], client, conf=dict(conf)),
                JSONSerializer(case["value_schema"], client, conf=dict(conf)), None, None)
    if fmt == "protobuf":
        k = message_class(case["key_fds"], case["key_message"])
        v = message_class(case["value_fds"], case["value_message"])
        return (ProtobufSerializer(k, client, conf=dict(conf)),
                ProtobufSerializer(v, client, conf=dict(conf)), k, v)
    raise ValueError(fmt)


def main():
    cfg = read_config()
    client = SchemaRegistryClient({"url": cfg["registry"]})
    for case in cfg["cases"]:
        ks, vs, kcls, vcls = serializers(case, client)
        p = SerializingProducer({
            "bootstrap.servers": cfg["brokers"],
            "key.serializer": ks,
            "value.serializer": vs,
            "acks": "all",
            "linger.ms": 5,
        })
        result = {"topic": case["topic"], "delivered": 0, "failed": 0, "first_error": None}

        def done(err, msg):
            if err is None:
                result["delivered"] += 1
            else:
                result["failed"] += 1
                result["first_error"] = result["first_error"] or str(err)

        for key, value in case["records"]:
            if kcls is not None:
                key = json_format.ParseDict(key, kcls())
                value = json_format.ParseDict(value, vcls())
            # A list, so header_schema_id_serializer can add its header.
            p.produce(case["topic"], key=key, value=value, headers=[], on_delivery=done)
            p.poll(0)
        p.flush(60)
        emit(result)


if __name__ == "__main__":
    main()
