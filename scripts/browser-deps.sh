#!/usr/bin/env bash
# Installs what the browser tests in a11y/ need, and nothing that is
# already there, so it is safe to run before every test run:
#
#   - Debian's chromium package, when /usr/bin/chromium is missing
#     (apt-get, so it needs root, as on CI);
#   - axe-core from package-lock.json with npm ci, when
#     node_modules/axe-core is missing.
#
# Without these, the browser tests skip and name the one that is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'browser-deps.sh: %s\n' "$*" >&2; }

if [ ! -x /usr/bin/chromium ]; then
	log "installing chromium with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends chromium
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
	if ! command -v npm >/dev/null 2>&1; then
		log "npm is missing; installing Debian's npm with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		apt-get install -y -q --no-install-recommends npm
	fi
	log "installing axe-core with npm ci"
	npm ci --no-audit --no-fund
fi
