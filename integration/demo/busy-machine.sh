#!/usr/bin/env bash
# Runs the demo the way a user does, on a machine whose CPU cores are all busy with other work:
# one busy loop per core (or LOOPS of them) runs for the whole script, and the five demos below run
# with their defaults. Prints one line per demo with its outcome and wall time, and the reasons of
# any core that did not rotate; exits 1 if any core of any demo did not end SUCCEEDED, or is bricked.
#
# Usage (from the project root, after npm ci):  bash integration/demo/busy-machine.sh [LOOPS]
set -u
cd "$(dirname "$0")/../.."
loops=${1:-$(nproc)}
pids=()
stop_loops() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; }
trap stop_loops EXIT
for _ in $(seq "$loops"); do (while :; do :; done) & pids+=($!); done
echo "$loops busy loops running on $(nproc) CPU cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
logs=$(mktemp -d "${TMPDIR:-/tmp}/busy-machine-XXXXXX")
failed=0
demo() {
  local label=$1; shift
  local log="$logs/$(printf '%s' "$label" | tr -c 'a-z0-9' '-').log" start=$SECONDS summary
  # -s: npm prints no banner, so stdout is the demo's JSON summary alone.
  summary=$(npm run -s demo -- "$@" --json 2>"$log")
  node -e '
    const [label, seconds, log, text] = process.argv.slice(1);
    let s;
    try { s = JSON.parse(text); } catch { console.log(`${label}: no summary after ${seconds} s; see ${log}`); process.exit(1); }
    const ok = s.succeeded === s.devices && s.bricked === 0;
    console.log(`${label}: ${s.succeeded}/${s.devices} SUCCEEDED, bricked ${s.bricked}, ${seconds} s (rollout ${s.rolloutPerMinute} per AWS minute)${ok ? "" : "  <-- FAILS"}`);
    const reasons = {};
    for (const r of s.rotations.filter((r) => r.status !== "SUCCEEDED")) reasons[`${r.status} ${r.reason ?? ""}`] = (reasons[`${r.status} ${r.reason ?? ""}`] ?? 0) + 1;
    for (const [reason, n] of Object.entries(reasons)) console.log(`    ${n} x ${reason}`);
    process.exit(ok ? 0 : 1);' "$label" "$((SECONDS - start))" "$log" "$summary" || failed=1
}
demo "npm run demo" 
demo "--hsm" --hsm
demo "--devices 50" --devices 50
demo "--devices 200" --devices 200
demo "--issuer pca" --issuer pca
if [ "$failed" = 0 ]; then rm -rf "$logs"; else echo "Each demo's progress is in $logs"; fi
exit "$failed"
