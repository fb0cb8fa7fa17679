#!/usr/bin/env bash
# Re-plants, one at a time, the bugs issue 20's audit planted, and runs the tests meant to catch each
# in a scratch copy of this tree (this checkout is never touched). Prints caught / NOT CAUGHT per bug.
# By hand, not in `npm test` (it runs end-to-end suites): bash test/mutations/replant.sh [name...]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d /tmp/replant-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
rsync -a --exclude node_modules --exclude .git --exclude .stryker-tmp --exclude reports "$root/" "$scratch/"
ln -s "$(readlink -f "$root/node_modules")" "$scratch/node_modules"

# Each bug: its name, the file it edits, a sed program that plants it (it must change the file), and
# the test files meant to catch it.
bugs=()
bug() { bugs+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"$4"); }
bug throttling-fatal shared/errors/classify-aws-error.ts \
  "s/^  Throttling: 'throttled',/  Throttling: 'invalid',/" shared/errors/classify-aws-error.test.ts
bug slot-off-by-one shared/store/lua/includes/slot-functions.lua \
  's/if slot >= capacity then return -1 end/if slot > capacity then return -1 end/' \
  'shared/store/instance-store.test.ts test/routing/routing-pool.test.ts'
bug seal-without-aad shared/crypto.ts '/\.setAAD(Buffer.from(instanceId));/d' shared/crypto.test.ts
bug delete-wins-ignores-deleting worker/saga/run-create.ts \
  "s/!instance || instance.status === 'deleting' || instance.status === 'deleted'/!instance || instance.status === 'deleted'/" \
  'test/pipeline/no-create-after-delete.test.ts test/saga-core/delete-wins.test.ts'
bug no-step-boundary-check worker/saga/run-create.ts '/    if (deleteWins(instance)) {/,+3d' \
  'test/pipeline/no-create-after-delete.test.ts test/saga-core/delete-wins.test.ts'
bug grace-from-oldest worker/reconciler/orphan-facts.ts 's/youngestAt: Math.max(/youngestAt: Math.min(/' \
  test/reconciler/staggered-orphans.test.ts
bug reservation-without-pending shared/capacity/compute-sample.ts \
  "s/(i.lifecycleState === 'InService' || i.lifecycleState === 'Pending') \&\&/i.lifecycleState === 'InService' \&\&/" \
  test/capacity/sampler-localcloud.test.ts

status=0
for entry in "${bugs[@]}"; do
  IFS=$'\t' read -r name file program tests <<<"$entry"
  if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]]; then continue; fi
  cp "$root/$file" "$scratch/$file"
  sed -i "$program" "$scratch/$file"
  if cmp -s "$root/$file" "$scratch/$file"; then
    echo "$name: NOT PLANTED (the code it edits has changed: update this script)"
    status=1
    continue
  fi
  log="$scratch/$name.log"
  # shellcheck disable=SC2086
  if (cd "$scratch" && npx vitest run $tests >"$log" 2>&1); then
    echo "$name: NOT CAUGHT by $tests"
    status=1
  else
    echo "$name: caught by $tests ($(grep -m1 -oE '[0-9]+ failed' "$log" || echo 'failed') )"
  fi
  cp "$root/$file" "$scratch/$file"
done
exit $status
