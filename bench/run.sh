#!/usr/bin/env bash
# Run every benchmark; each prints its figures as ratios to a baseline measured in the same run.
# Benchmarks are never timed tests: these machines are shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt
for bench in bench/photos.py bench/fanout.py bench/acks.py bench/patrols.py bench/patrol_peak.py bench/figures.py bench/reports.py; do
  echo "== $bench"
  .venv/bin/python "$bench"
done
