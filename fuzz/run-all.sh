#!/bin/sh
# Run the four issue-10 fuzz targets one after another, 5 minutes each, on
# the binaries of `RUSTC_BOOTSTRAP=1 cargo fuzz build -O` (run from fuzz/).
# The working corpus grows in corpus/<target> (not committed), seeded from
# seeds/<target>; crashes land in artifacts/<target>. Logs in $LOG_DIR.
set -u
cd "$(dirname "$0")"
BIN=target/x86_64-unknown-linux-gnu/release
LOG_DIR=${LOG_DIR:-/tmp}
SECS=${SECS:-300}
for t in ${TARGETS:-points_reader shapefile_reader xlsx_reader job_file}; do
    mkdir -p "corpus/$t" "artifacts/$t"
    nice "$BIN/$t" "corpus/$t" "seeds/$t" -max_total_time="$SECS" -timeout=30 \
        -rss_limit_mb=2048 -artifact_prefix="artifacts/$t/" -print_final_stats=1 \
        >"$LOG_DIR/fuzz-$t.log" 2>&1
    echo "$t exit $?" >>"$LOG_DIR/fuzz-summary.log"
done
