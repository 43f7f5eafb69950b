#!/usr/bin/env bash
# Runs a throw-away PostgreSQL cluster for the account service's tests.
#
#   scripts/postgres.sh start   start the cluster (installing PostgreSQL
#                               with apt-get if needed) and print its DSN
#   scripts/postgres.sh dsn     print the DSN of the running cluster
#   scripts/postgres.sh stop    stop the cluster and delete its folder
#
# The cluster lives in a temporary folder owned by an unprivileged user,
# listens on 127.0.0.1 only, on a free port, and trusts local connections.
# It is for tests only. Use it as
#   export VERBUND_TEST_POSTGRES="$(scripts/postgres.sh start)"
# Starting twice reuses the running cluster. Set VERBUND_PG_STATE to keep
# more than one cluster apart (default /tmp/verbund-postgres.state).
set -euo pipefail

state="${VERBUND_PG_STATE:-/tmp/verbund-postgres.state}"
database="verbund_test"

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

find_bindir() {
	local p
	if p="$(command -v pg_ctl 2>/dev/null)"; then
		dirname "$(readlink -f "$p")"
		return 0
	fi
	# Debian puts the server programs outside PATH; take the newest.
	for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x "$p/pg_ctl" ]]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

install_postgres() {
	command -v apt-get >/dev/null || die "pg_ctl not found and apt-get unavailable: install PostgreSQL by hand"
	[[ "$(id -u)" == 0 ]] || die "pg_ctl not found: run as root to install PostgreSQL with apt-get"
	log "installing PostgreSQL with apt-get"
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# run_as_owner runs a command as the cluster's owner: PostgreSQL refuses
# to run as root, so root hands over to the postgres user.
run_as_owner() {
	if [[ "$(id -u)" == 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

ensure_owner() {
	[[ "$(id -u)" == 0 ]] || return 0
	if ! id postgres >/dev/null 2>&1; then
		useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
	fi
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
	local i port
	for i in $(seq 1 50); do
		port=$(( 20000 + RANDOM % 20000 ))
		if port_free "$port"; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found after 50 tries"
}

dsn_for() {
	echo "postgres://postgres@127.0.0.1:$1/$database?sslmode=disable"
}

# running reads the state file and reports whether its cluster is up.
running() {
	[[ -f "$state" ]] || return 1
	# shellcheck disable=SC1090
	source "$state"
	[[ -n "${dir:-}" && -d "$dir/data" ]] || return 1
	run_as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
	if running; then
		dsn_for "$port"
		return 0
	fi
	rm -f "$state"
	bindir="$(find_bindir)" || { install_postgres; bindir="$(find_bindir)" || die "pg_ctl still not found after installing postgresql"; }
	ensure_owner
	dir="$(mktemp -d /tmp/verbund-postgres.XXXXXX)"
	chmod 0755 "$dir"
	mkdir "$dir/data" "$dir/socket"
	if [[ "$(id -u)" == 0 ]]; then
		chown -R postgres:postgres "$dir"
	fi
	port="$(free_port)"
	run_as_owner "$bindir/initdb" -D "$dir/data" --username=postgres --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
		|| die "initdb failed: $(tail -5 "$dir/initdb.log")"
	run_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir/socket -c fsync=on" start >&2 \
		|| die "server did not start: $(tail -5 "$dir/server.log" 2>/dev/null)"
	printf 'dir=%q\nbindir=%q\nport=%q\n' "$dir" "$bindir" "$port" >"$state"

	local i
	for i in $(seq 1 30); do
		if run_as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'SELECT 1' >/dev/null 2>&1; then
			break
		fi
		[[ "$i" == 30 ]] && die "server on port $port accepts no connections after 30 s"
		sleep 1
	done
	run_as_owner "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc \
		"CREATE DATABASE $database" >/dev/null
	log "started in $dir on 127.0.0.1:$port"
	dsn_for "$port"
}

stop() {
	if [[ ! -f "$state" ]]; then
		log "no cluster recorded in $state"
		return 0
	fi
	# shellcheck disable=SC1090
	source "$state"
	if [[ -n "${dir:-}" && -d "$dir/data" ]]; then
		run_as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || true
	fi
	[[ -n "${dir:-}" && "$dir" == /tmp/verbund-postgres.* ]] && rm -rf "$dir"
	rm -f "$state"
	log "stopped"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
dsn)
	running || die "no cluster running: run scripts/postgres.sh start"
	dsn_for "$port"
	;;
*)
	echo "usage: $0 start|stop|dsn" >&2
	exit 2
	;;
esac
