#!/usr/bin/env bash
# Peer-benchmark helper for docs/BENCHMARKS.md: run a command under GNU time and
# report its peak resident memory and wall-clock time.
#
#   bench/peak_rss.sh CMD [ARGS...]
#
# The command's stdout/stderr pass through unchanged; the last stdout line is
#   peak_rss_mb=<x> wall_s=<x>
# (MiB of the largest resident set of the command and any child it waited for;
# wall time as measured by GNU time, 10 ms resolution). Exits with the
# command's own exit status.
#
# Needs GNU time at /usr/bin/time (the bash builtin `time` has no -v):
#   apt-get update && apt-get install -y time
set -u

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi
if [ ! -x /usr/bin/time ]; then
    echo "$0: /usr/bin/time not found; install it with: apt-get update && apt-get install -y time" >&2
    exit 2
fi

report=$(mktemp)
trap 'rm -f "$report"' EXIT

# -o keeps GNU time's report out of the command's own stderr.
/usr/bin/time -v -o "$report" "$@"
status=$?

awk -F': ' '
    /Maximum resident set size \(kbytes\)/ { kb = $2 }
    /Elapsed \(wall clock\) time/ {
        # h:mm:ss or m:ss.cc
        n = split($2, p, ":")
        wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2]
    }
    END {
        if (kb == "" || wall == "") { print "peak_rss.sh: could not parse GNU time output" > "/dev/stderr"; exit 1 }
        printf "peak_rss_mb=%.1f wall_s=%.2f\n", kb / 1024, wall
    }
' "$report"

exit $status
