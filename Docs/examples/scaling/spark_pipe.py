"""Assess a population with Upstream on Spark: each record is piped through `upstream assess --batch -`.

Usage: python3 spark_pipe.py UPSTREAM_BINARY INPUT.jsonl OUTPUT_FOLDER [PARTITIONS]

Runs Spark in local mode (pyspark from PyPI). Each partition of the input is streamed through
one `upstream` process, which writes one JSON result per input line, in order. Because every
line is independent, the same command works unchanged on a cluster, or with Hadoop Streaming.
"""
import json
import sys

from pyspark.sql import SparkSession

binary, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
partitions = int(sys.argv[4]) if len(sys.argv) > 4 else 4

spark = SparkSession.builder.master(f"local[{partitions}]").appName("upstream").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
lines = spark.sparkContext.textFile(source, partitions)
# `upstream assess --batch -` exits 3 when a line is invalid; it still writes an error record
# for that line, so the shell wrapper keeps the exit status from failing the task.
results = lines.pipe(f"sh -c '\"{binary}\" assess --batch - --jobs 1; test $? -le 3'")
results.saveAsTextFile(target)

records = results.map(json.loads)
assessed = records.filter(lambda r: "error" not in r).count()
failed = records.filter(lambda r: "error" in r).count()
print(f"{assessed} assessed, {failed} failed")
spark.stop()
