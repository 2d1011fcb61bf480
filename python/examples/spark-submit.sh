#!/usr/bin/env bash
# Submitting the ledgerlens job to a YARN or Kubernetes cluster: the wheel
# travels inside a packed virtual environment (docs/SCALE.md, "On a cluster").
#
#   python3 -m venv job-env && job-env/bin/pip install dist/ledgerlens-*.whl venv-pack
#   job-env/bin/venv-pack -o ledgerlens-env.tar.gz
#   python/examples/spark-submit.sh s3://bucket/payments/ s3://bucket/scored/ --institution agency_code
set -euo pipefail
input=$1 output=$2
shift 2
export PYSPARK_PYTHON=./environment/bin/python
exec spark-submit \
    --archives ledgerlens-env.tar.gz#environment \
    --conf spark.executor.cores=4 \
    --conf spark.executor.memory=8g \
    --conf spark.executor.memoryOverhead=6g \
    --conf spark.task.cpus=1 \
    --conf spark.executorEnv.RAYON_NUM_THREADS=1 \
    --conf spark.sql.shuffle.partitions=400 \
    "$(dirname "$0")/score_agencies.py" "$input" "$output" "$@"
