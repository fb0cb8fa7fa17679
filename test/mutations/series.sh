#!/usr/bin/env bash
# Issue 20's stability check: the full suite (`npm test`) run again and again on one commit, under load,
# stopping at the first failure. It clones the commit into a scratch directory and runs `npm ci` there,
# so this checkout is never touched and the runs see exactly what was committed.
#
#   bash test/mutations/series.sh [commit]          # default HEAD
#   RUNS=10 LOAD=bench|hog|none OUT=dir bash test/mutations/series.sh
#
# LOAD=bench loops `npm run bench` beside the suite (several processes, bursty); LOAD=hog keeps one core
# busy with a spin loop; LOAD=none runs the suite alone. Each run's output is OUT/run-N.log; the summary
# (result, seconds, load average at start) is OUT/summary.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
commit=$(git -C "$root" rev-parse --short "${1:-HEAD}") || exit 2
runs=${RUNS:-10}
load=${LOAD:-bench}
out=${OUT:-/tmp/series-$commit}
scratch=$(mktemp -d /tmp/series-tree-XXXXXX)
mkdir -p "$out"
stop="$out/stop-load"
rm -f "$stop"
trap 'touch "$stop"; wait; rm -rf "$scratch"' EXIT

git clone -q "$root" "$scratch" && git -C "$scratch" checkout -q "$commit" || exit 2
(cd "$scratch" && npm ci >"$out/npm-ci.log" 2>&1) || { echo "npm ci failed: $out/npm-ci.log"; exit 2; }

case $load in
  bench) (cd "$scratch" && n=0 && while [ ! -e "$stop" ]; do
            n=$((n + 1)); npm run bench >"$out/bench-$n.log" 2>&1
            echo "bench $n exit $? $(date -u +%H:%M:%S)" >>"$out/load.txt"
          done) & ;;
  hog) node -e 'const fs = require("fs"); for (let i = 1; ; i++) if (i % 2 ** 24 === 0 && fs.existsSync(process.argv[1])) break;' "$stop" & ;;
  none) ;;
  *) echo "LOAD must be bench, hog or none"; exit 2 ;;
esac

echo "commit $commit, load $load, $runs runs, from $(date -u +%H:%M:%S) UTC" | tee -a "$out/summary.txt"
passed=0
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  at_start=$(cut -d' ' -f1-3 /proc/loadavg)
  (cd "$scratch" && npm test >"$out/run-$i.log" 2>&1)
  code=$?
  line="run $i: $([ $code -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - started)) s, load average at start $at_start"
  echo "$line" | tee -a "$out/summary.txt"
  [ $code -ne 0 ] && break
  passed=$i
done
echo "$passed of $runs passed in a row; logs in $out" | tee -a "$out/summary.txt"
[ "$passed" -eq "$runs" ]
