#!/usr/bin/env bash
# Runs the whole test suite the way CI does. It installs the browser and
# npm packages the browser tests need and starts a throw-away PostgreSQL
# server on 127.0.0.1 for the account store tests. Then it runs every Go
# test with the race detector and stops the server again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/browser-deps.sh
dsn="$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT

# The tests that need PostgreSQL or Chromium fail instead of skipping
# when these are set, so a missing service cannot pass unnoticed.
export VERBUND_TEST_POSTGRES="$dsn"
export VERBUND_REQUIRE_BROWSER=1

go test -race -count=1 -timeout 45m ./...
