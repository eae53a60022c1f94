"""Assess a population with Upstream on Spark: each record is piped through `upstream assess --batch -`.

Usage: python3 spark_pipe.py UPSTREAM_BINARY INPUT.jsonl OUTPUT_FOLDER [PARTITIONS [UPSTREAM_OPTIONS...]]

Runs Spark in local mode (pyspark from PyPI). Each partition of the input is streamed through
one `upstream` process, which writes one JSON result per input line, in order. Because every
line is independent, the same command works unchanged on a cluster, or with Hadoop Streaming.
Options after PARTITIONS go to `upstream assess` (e.g. `--output-format summary`).
"""
import json
import shlex
import sys
import time

from pyspark.sql import SparkSession

binary, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
partitions = int(sys.argv[4]) if len(sys.argv) > 4 else 4
options = " ".join(shlex.quote(option) for option in sys.argv[5:])

spark = (
    SparkSession.builder.master(f"local[{partitions}]")
    .appName("upstream")
    .config("spark.ui.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
started = time.monotonic()
lines = spark.sparkContext.textFile(source, partitions)
# `upstream assess --batch -` exits 3 when a line is invalid; it still writes an error record
# for that line, so the shell wrapper keeps the exit status from failing the task.
command = f"{shlex.quote(binary)} assess --batch - --jobs 1 {options}"
results = lines.pipe(f"sh -c {shlex.quote(command + '; test $? -le 3')}")
# Kept, so that saving and counting pipe the partitions through Upstream once, not three times.
results.cache()
results.saveAsTextFile(target)
elapsed = time.monotonic() - started

records = results.map(json.loads)
failed = records.filter(lambda r: "error" in r).count()
assessed = records.count() - failed
print(f"{assessed} assessed, {failed} failed in {elapsed:.1f} s on {partitions} partitions")
spark.stop()
