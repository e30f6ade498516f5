#!/usr/bin/env bash
# Builds once, then runs every test project; prints one "N passed, N failed, N skipped" line at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
dotnet build Operator.sln -c Release --nologo -v q -clp:ErrorsOnly || exit 1

passed=0 failed=0 skipped=0 status=0
for project in tests/*/*Tests.csproj; do
  name=$(basename "$project" .csproj)
  log=$(mktemp)
  dotnet test "$project" -c Release --no-build --nologo -v q --logger "console;verbosity=minimal" >"$log" 2>&1
  rc=$?
  cat "$log"
  line=$(grep -E "(Passed|Failed)!" "$log" | tail -1)
  p=$(sed -n 's/.*Passed: *\([0-9]*\).*/\1/p' <<<"$line"); f=$(sed -n 's/.*Failed: *\([0-9]*\).*/\1/p' <<<"$line"); s=$(sed -n 's/.*Skipped: *\([0-9]*\).*/\1/p' <<<"$line")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ $rc -ne 0 ]; then status=1; echo "== $name: FAILED (exit $rc)"; fi
  rm -f "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
