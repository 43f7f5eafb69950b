#!/usr/bin/env bash
# Runs the whole test suite the way CI does. It installs the browser and
# npm packages the browser tests need and starts a throw-away PostgreSQL
# server on 127.0.0.1 for the account store tests. Then it runs every Go
# test with the race detector and stops the server again.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/browser-deps.sh
# The test of the publishing recipes in docs/ runs them, and they read
# verbund diff's JSON with jq.
if ! command -v jq >/dev/null; then
	echo "test.sh: installing jq with apt-get" >&2
	apt-get install -y -q --no-install-recommends jq >/dev/null 2>&1 ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends jq; }
fi
dsn="$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT

# The tests that need PostgreSQL, Chromium or jq fail instead of skipping
# when these are set, so a missing service cannot pass unnoticed.
export VERBUND_TEST_POSTGRES="$dsn"
export VERBUND_REQUIRE_BROWSER=1
export VERBUND_REQUIRE_JQ=1

go test -race -count=1 -timeout 45m ./...
