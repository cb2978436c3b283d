#!/usr/bin/env bash
# Cluster mode on one machine: 2 gateways + 2 workers + 1 API node over RabbitMQ and PostgreSQL.
# Needs RabbitMQ and PostgreSQL running; see docs/cluster.md. Ctrl-C stops every node gracefully.
#   VOLTLANE_BUS_URL  (default amqp://guest:guest@127.0.0.1:5672)
#   DATABASE_URL      (default postgres://postgres@127.0.0.1:5432/voltlane)
#   VOLTLANE_ADMIN_TOKEN (default cluster-example-token)
set -euo pipefail
cd "$(dirname "$0")/.."

export VOLTLANE_BUS_URL="${VOLTLANE_BUS_URL:-amqp://guest:guest@127.0.0.1:5672}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/voltlane}"
export VOLTLANE_ADMIN_TOKEN="${VOLTLANE_ADMIN_TOKEN:-cluster-example-token}"
export VOLTLANE_PUBLIC_URL="${VOLTLANE_PUBLIC_URL:-http://127.0.0.1:8080}"
node scripts/ensure-build.mjs
CLI="node --max-semi-space-size=4 dist/server/main.js"

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM EXIT

$CLI migrate
run() { # role node-id port
  VOLTLANE_NODE_ID="$2" VOLTLANE_HTTP_PORT="$3" $CLI "$1" &
  pids+=($!)
}
run api     api-1     8080
run gateway gateway-1 8081
run gateway gateway-2 8082
run worker  worker-1  8091
run worker  worker-2  8092

echo "API      http://127.0.0.1:8080/api/v1 (token: $VOLTLANE_ADMIN_TOKEN), docs http://127.0.0.1:8080/docs"
echo "Chargers ws://127.0.0.1:8081/ocpp/{stationId} or ws://127.0.0.1:8082/ocpp/{stationId}"
echo "Health   http://127.0.0.1:{8080,8081,8082,8091,8092}/health (a worker's lists the shards it consumes)"
wait
