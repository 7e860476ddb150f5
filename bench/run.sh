#!/usr/bin/env bash
# Run every benchmark; each prints its figures as ratios to a baseline measured in the same run
# and records its issue-13 targets (bench/targets.py) in one results file. Then one table of every
# target (bench/summary.py) and the capacity table computed from the figures (bench/capacity.py).
# Exit status: 0 only when every target was met and no benchmark failed.
# Benchmarks are never timed tests: these machines are shared and noisy. The sizes below keep the
# whole run to about 15 minutes on a shared 2-core machine; each benchmark's own defaults are the
# issue's full sizes.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-dev.txt || exit 1

# The results go to BENCH_RESULTS when it names a file (emptied first, kept afterwards, for
# bench/summary.py and bench/capacity.py to read again), else to a temporary file.
if [[ -n "${BENCH_RESULTS:-}" ]]; then
  results="$BENCH_RESULTS"
  : >"$results"
else
  results="$(mktemp "${TMPDIR:-/tmp}/bench-results.XXXXXX")"
  trap 'rm -f "$results"' EXIT
fi
export BENCH_RESULTS="$results"

# name, whether it records targets (1) or prints figures only (0), then its arguments.
run_bench() {
  local name="$1" targets="$2"
  shift 2
  local script="bench/$name.py"
  if [[ ! -f "$script" ]]; then
    echo "== $script: not in this checkout, skipped"
    return
  fi
  echo "== $script $*"
  .venv/bin/python "$script" "$@"
  local status=$?
  # The run line closes this benchmark's checks (see bench/summary.py).
  printf '{"run": "%s", "exit": %d, "targets": %s}\n' "$name" "$status" \
    "$([[ $targets == 1 ]] && echo true || echo false)" >>"$results"
  [[ $status == 0 ]] || echo "== $script FAILED (exit status $status)"
}

run_bench photos 1 -n 4
run_bench fanout 1  # its defaults: sized by its own brief to about 3 minutes
run_bench acks 1 --parents 60000 --duration 8 --rounds 3
run_bench reports 1
run_bench patrols 0 --schools 200 --duration 8
run_bench patrol_peak 0
run_bench figures 1 --repeat 3
run_bench morning 1

echo
echo "== summary"
.venv/bin/python bench/summary.py "$results"
status=$?
echo
echo "== capacity (bench/capacity.py, from this run's figures)"
.venv/bin/python bench/capacity.py "$results" || echo "capacity: could not compute the table"
exit $status
