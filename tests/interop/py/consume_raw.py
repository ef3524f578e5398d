"""Reads topics' raw bytes with kafka-python (no Schema Registry code at all).

stdin: {"brokers": "h:p", "timeout": seconds,
        "cases": [{"topic", "partitions", "expect": n}]}
stdout: one line per record {"topic", "partition", "offset", "key", "value",
        "headers": [[key, hex]]} (key and value in hex), then one
        {"summary": topic, "records"} per case.
"""

import time

from kafka import KafkaConsumer, TopicPartition

from common import emit, headers_list, read_config


def main():
    cfg = read_config()
    for case in cfg["cases"]:
        c = KafkaConsumer(bootstrap_servers=cfg["brokers"], enable_auto_commit=False,
                          group_id=None, auto_offset_reset="earliest")
        tps = [TopicPartition(case["topic"], p) for p in range(case["partitions"])]
        c.assign(tps)
        c.seek_to_beginning(*tps)
        n = 0
        deadline = time.time() + cfg.get("timeout", 60)
        settle = None
        while time.time() < deadline:
            batch = c.poll(timeout_ms=300)
            for recs in batch.values():
                for r in recs:
                    n += 1
                    emit({"topic": r.topic, "partition": r.partition, "offset": r.offset,
                          "key": r.key.hex() if r.key is not None else None,
                          "value": r.value.hex() if r.value is not None else None,
                          "headers": headers_list(r.headers)})
            if n >= case["expect"]:
                # Keep reading a little: more records than expected must show.
                settle = settle or time.time() + 1.0
                if time.time() > settle:
                    break
        c.close()
        emit({"summary": case["topic"], "records": n})


if __name__ == "__main__":
    main()
