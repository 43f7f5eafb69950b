#!/usr/bin/env bash
# Time `verbund build`, `verbund build -search=false` (the portals alone)
# and, when Hugo is available, `hugo --minify` on generated federations of
# N service pages each.
#
# Usage: bench/build.sh [N...]            (default: 10000)
#
# Environment:
#   RUNS=3                  timed builds per generator and size
#   RUNS_<N>=1              timed builds for size N alone, such as
#                           RUNS_100000=1
#   COMMUNES=file.csv       municipality register for the portals' names
#                           and keys; a made-up county when unset
#   GENCORPUS_FLAGS="..."   more flags for bench/gencorpus, such as
#                           "-bases 500"
#
# Corpora, binaries and outputs go to bench/out/, which git ignores.
set -euo pipefail

cd "$(dirname "$0")/.."
out=bench/out
runs=${RUNS:-3}
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
	sizes=(10000)
fi
for n in "${sizes[@]}"; do
	if ! [[ $n =~ ^[0-9]+$ ]]; then
		echo "build.sh: invalid page count \"$n\": want a whole number such as 10000" >&2
		exit 2
	fi
done

# apt_install installs Debian packages, refreshing the package lists once
# when the first attempt fails.
apt_install() {
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
	apt-get update -qq >/dev/null 2>&1 || return 1
	apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}

if [ ! -x /usr/bin/time ]; then
	echo "installing GNU time (Debian package time)" >&2
	apt_install time || { echo "build.sh: installing the time package failed" >&2; exit 1; }
fi
have_hugo=yes
if ! command -v hugo >/dev/null; then
	echo "installing Hugo (Debian package hugo)" >&2
	apt_install hugo || {
		echo "build.sh: installing hugo failed; timing verbund alone" >&2
		have_hugo=no
	}
fi

mkdir -p "$out"
go build -o "$out/verbund" ./cmd/verbund
go build -o "$out/gencorpus" ./bench/gencorpus

# After a tree of many files is deleted, creating files is slower for some
# minutes. When ext4 without a journal allocates an inode, it skips those
# deleted in the last minute, or in the last six minutes while their
# inode table block waits to be written. Scanning past them costs system
# time (Linux, fs/ext4/ialloc.c, recently_deleted). So each run's
# output moves to a trash folder of this run, deleted once all runs are
# done, and every build creates its files as on a fresh machine. Start
# the next series six minutes after the end of one.
trash=$(mktemp -d "$out/trash.XXXXXX")
cleanup() {
	rm -rf "$trash"
	sync
}
trap cleanup EXIT

# clear_output DIR moves DIR out of the way of the next build.
clear_output() {
	local dest
	if [ -e "$1" ]; then
		dest=$(mktemp -d "$trash/run.XXXXXX") || exit 1
		mv "$1" "$dest/"
	fi
}

# run_once NAME OUTPUT_DIR COMMAND... runs COMMAND once into an empty
# OUTPUT_DIR, prints its wall time, CPU time (user + system) and maximum
# resident set size, and appends them to the arrays walls_NAME, cpus_NAME
# and rsss_NAME.
run_once() {
	local name=$1 public=$2 round=$3
	shift 3
	local stats log
	stats=$(mktemp)
	log=$(mktemp)
	clear_output "$public"
	# Read the input into the page cache, from which the kernel drops it
	# to make room for Hugo's 17 GB at 100,000 pages.
	find "$(dirname "$public")" -type f -print0 | xargs -0 -r cat >/dev/null
	# A build leaves hundreds of megabytes for the kernel to write to the
	# disk in the background. Writing them out first keeps that work out
	# of the next run.
	sync
	if ! /usr/bin/time -v -o "$stats" "$@" >"$log" 2>&1; then
		echo "build.sh: $name build failed:" >&2
		tail -n 20 "$log" >&2
		rm -f "$stats" "$log"
		exit 1
	fi
	read -r wall cpu user sys rss < <(awk -F': ' '
		/Elapsed \(wall clock\)/ {
			n = split($2, t, ":"); wall = 0
			for (i = 1; i <= n; i++) wall = wall * 60 + t[i]
		}
		/User time/ { user = $2 }
		/System time/ { sys = $2 }
		/Maximum resident set size/ { rss = $2 / 1024 }
		END { printf "%.2f %.2f %.2f %.2f %.1f\n", wall, user + sys, user, sys, rss }' "$stats")
	rm -f "$stats" "$log"
	printf '%-8s run %d: wall %7.2f s   cpu %7.2f s (user %.2f, system %.2f)   max rss %8.1f MiB\n' \
		"$name" "$round" "$wall" "$cpu" "$user" "$sys" "$rss"
	eval "walls_$name+=($wall); cpus_$name+=($cpu); rsss_$name+=($rss)"
}

# median prints the median of its arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

# summarize NAME OUTPUT_DIR prints the medians of NAME's runs and sets
# median_wall, median_cpu and median_rss.
summarize() {
	local name=$1 public=$2
	eval "median_wall=\$(median \"\${walls_$name[@]}\")"
	eval "median_cpu=\$(median \"\${cpus_$name[@]}\")"
	eval "median_rss=\$(median \"\${rsss_$name[@]}\")"
	printf '%-8s median: wall %7.2f s   cpu %7.2f s   max rss %8.1f MiB   (%d pages)\n' \
		"$name" "$median_wall" "$median_cpu" "$median_rss" "$(find "$public" -name '*.html' -not -path '*/_*' | wc -l)"
}

echo "machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "go: $(go version | cut -d' ' -f3), hugo: $([ $have_hugo = yes ] && hugo version | cut -d' ' -f2 || echo none)"

for n in "${sizes[@]}"; do
	dir=$out/$n
	echo
	echo "== $n service pages =="
	# An earlier corpus goes to the trash too, for the same reason.
	clear_output "$dir"
	gen_args=(-pages "$n" -out "$dir/verbund" -hugo "$dir/hugo")
	if [ -n "${COMMUNES:-}" ]; then
		gen_args+=(-communes "$COMMUNES")
	fi
	# shellcheck disable=SC2086 # GENCORPUS_FLAGS holds several flags.
	"$out/gencorpus" "${gen_args[@]}" ${GENCORPUS_FLAGS:-}

	# The builds take turns, so that a slower spell of this shared
	# machine falls on each of them alike.
	walls_verbund=() cpus_verbund=() rsss_verbund=()
	walls_pages=() cpus_pages=() rsss_pages=()
	walls_hugo=() cpus_hugo=() rsss_hugo=()
	size_runs=$runs
	runs_var=RUNS_$n
	if [ -n "${!runs_var:-}" ]; then
		size_runs=${!runs_var}
	fi
	for i in $(seq "$size_runs"); do
		run_once verbund "$dir/verbund/public" "$i" "$out/verbund" build -config "$dir/verbund/sites.toml"
		# The portals alone, without the search index, which Hugo does
		# not build either.
		run_once pages "$dir/verbund/public" "$i" "$out/verbund" build -search=false -config "$dir/verbund/sites.toml"
		if [ $have_hugo = yes ]; then
			run_once hugo "$dir/hugo/public" "$i" hugo --minify --quiet -s "$dir/hugo"
		fi
	done
	summarize verbund "$dir/verbund/public"
	v_wall=$median_wall v_cpu=$median_cpu v_rss=$median_rss
	summarize pages "$dir/verbund/public"
	p_wall=$median_wall p_cpu=$median_cpu p_rss=$median_rss
	if [ $have_hugo = yes ]; then
		summarize hugo "$dir/hugo/public"
		awk -v vw="$v_wall" -v vc="$v_cpu" -v vr="$v_rss" \
			-v hw="$median_wall" -v hc="$median_cpu" -v hr="$median_rss" \
			'BEGIN { printf "ratio verbund/hugo: wall %.2f   cpu %.2f   max rss %.2f\n", vw/hw, vc/hc, vr/hr }'
		awk -v vw="$p_wall" -v vc="$p_cpu" -v vr="$p_rss" \
			-v hw="$median_wall" -v hc="$median_cpu" -v hr="$median_rss" \
			'BEGIN { printf "ratio pages/hugo:   wall %.2f   cpu %.2f   max rss %.2f\n", vw/hw, vc/hc, vr/hr }'
	fi
done
