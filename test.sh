#!/usr/bin/env bash
# Installs what the tests need, builds, and runs the whole test suite.
# Ends with one line "N passed, N failed" and exits non-zero when anything failed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
# Debian packages the tests use, installed when missing: the native libraries mmforge loads
# (libvips, libjpeg-turbo, SQLite), chromium, which the report renders in (Reports/ReportBrowserTests),
# and Slurm with munge, which scripts/slurm-local.sh runs on this machine (ScaleOut/SlurmClusterTests)
scripts/debian-packages.sh libvips42 libturbojpeg0 libsqlite3-0 chromium slurm-wlm munge || exit 1
dotnet restore mmforge.slnx --nologo -v quiet || exit 1
log="$(mktemp)"
dotnet test tests/MMForge.Tests/MMForge.Tests.csproj -c Release --no-restore --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary="$(grep -Eo 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1)"
failed="$(sed -E 's/Failed: +([0-9]+).*/\1/' <<<"$summary")"
passed="$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")"
skipped="$(sed -E 's/.*Skipped: +([0-9]+)/\1/' <<<"$summary")"
# A skipped test (Slurm that cannot start here, say) is named in the summary, never counted as passed.
grep -E '^ +Skipped ' "$log" | sed -E 's/^ +Skipped /skipped: /'
rm -f "$log"
echo "${passed:-0} passed, ${failed:-0} failed$( ((${skipped:-0})) && echo ", $skipped skipped")"
exit "$status"
