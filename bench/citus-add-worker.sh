#!/usr/bin/env bash
# Adding a worker to a running Citus cluster and rebalancing the shards, measured (docs/scale-out.md).
#
#   CITUS_DB=karte_bench_rebalance ../shared/citus/cluster.sh start          # coordinator 5441, workers 5442/5443
#   DATABASE_URL=postgresql://postgres@127.0.0.1:5441/karte_bench_rebalance npm run db:migrate
#   DATABASE_URL=… npx tsx bench/generate.ts --clinics 20 --patients 5000   # some data to move
#   bench/citus-add-worker.sh karte_bench_rebalance [port]                   # this script
#
# Starts a fourth PostgreSQL 15 + Citus node on 127.0.0.1:<port> (default 5444) in $CITUS_BASE/worker3, creates the
# database and the citus extension there, adds it with citus_add_node, rebalances with citus_rebalance_start /
# citus_rebalance_wait and prints the shard counts per node and the time taken. `--remove` drains the node again
# (citus_drain_node), removes it (citus_remove_node) and stops it. Root; local throw-away clusters only.
set -euo pipefail
db=${1:?database name}
port=${2:-5444}
mode=${3:-add}
CITUS_BASE=${CITUS_BASE:-/tmp/karte-citus}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
dir="$CITUS_BASE/worker3-$port"
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3"; }
shards() { q 5441 "$db" "SELECT string_agg(format('%s:%s', nodeport, n), '  ' ORDER BY nodeport) FROM (SELECT nodeport, count(*) AS n FROM citus_shards GROUP BY nodeport) s"; }

if [ "$mode" = --remove ]; then
  t0=$(date +%s.%N)
  q 5441 "$db" "SELECT citus_drain_node('127.0.0.1', $port)" >/dev/null
  q 5441 "$db" "SELECT citus_remove_node('127.0.0.1', $port)" >/dev/null
  echo "drained and removed 127.0.0.1:$port in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)") s; shards per node: $(shards)"
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
  rm -rf "$dir"
  exit 0
fi

if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir" && chown postgres:postgres "$dir"
  as_pg "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  as_pg sh -c "printf '%s\n' 'host all all 127.0.0.1/32 trust' 'host replication all 127.0.0.1/32 trust' > '$dir/pg_hba.conf'"
  as_pg sh -c "printf '%s\n' \"port = $port\" \"listen_addresses = '127.0.0.1'\" \"unix_socket_directories = '$CITUS_BASE/run'\" \
    \"shared_preload_libraries = 'citus'\" 'wal_level = logical' 'max_prepared_transactions = 200' 'fsync = off' \
    'synchronous_commit = off' 'full_page_writes = off' >> '$dir/postgresql.conf'"
fi
as_pg "$PG_BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1 || as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w start >/dev/null
[ -n "$(q "$port" postgres "SELECT 1 FROM pg_database WHERE datname = '$db'")" ] || q "$port" postgres "CREATE DATABASE \"$db\""
q "$port" "$db" "CREATE EXTENSION IF NOT EXISTS citus" >/dev/null

echo "before: shards per node (port:count): $(shards)"
rows=$(q 5441 "$db" "SELECT count(*) FROM \"Patient\"")
mapfile -t clinics < <(q 5441 "$db" 'SELECT id FROM "Clinic" ORDER BY id')
# one clinic after another writes (an UPDATE of its patient 1), as clinics would; appends "ok ms" lines to $1
write_loop() {
  local i=0 c s0 ok
  while [ ! -f "$1.stop" ] && { [ -z "${2:-}" ] || [ "$i" -lt "$2" ]; }; do
    c=${clinics[$((i % ${#clinics[@]}))]}; i=$((i + 1))
    s0=$(date +%s%N)
    if q 5441 "$db" "UPDATE \"Patient\" SET \"updatedAt\" = now() WHERE \"clinicId\" = '$c' AND \"patientNumber\" = 1" >/dev/null 2>&1; then ok=1; else ok=0; fi
    echo "$ok $(( ($(date +%s%N) - s0) / 1000000 ))" >> "$1"
  done
}
summary() { awk -v what="$2" '{ n++; if ($1 == 1) ok++; if ($2 > max) max = $2; sum += $2 } END { printf "%s: %d writes, failed %d, max %d ms, mean %.0f ms (each a psql call)\n", what, n, n - ok, max, sum / n }' "$1"; }
baseline=$(mktemp); writes=$(mktemp)
write_loop "$baseline" 40
summary "$baseline" "writes before, for comparison"
t0=$(date +%s.%N)
q 5441 "$db" "SELECT citus_add_node('127.0.0.1', $port)" >/dev/null
t1=$(date +%s.%N)
q 5441 "$db" "SELECT citus_rebalance_start()" >/dev/null
write_loop "$writes" & writer=$!
q 5441 "$db" "SELECT citus_rebalance_wait()" >/dev/null
t2=$(date +%s.%N)
touch "$writes.stop"; wait "$writer"
echo "after:  shards per node (port:count): $(shards)"
echo "citus_add_node $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s (copies reference tables and metadata), rebalance $(printf '%.1f' "$(echo "$t2 - $t1" | bc)") s, $rows patients in the database"
summary "$writes" "writes during the rebalance"
rm -f "$baseline" "$writes" "$writes.stop"
