#!/bin/sh
# Rolling redeploy of Atelier nodes, one service at a time: start a replacement container beside
# the running one, wait until it is up, then stop the old one (SIGTERM drains it).
#   docker/redeploy.sh edge-1 edge-2 transcription-1 transcription-2
# Build the new image first (README.md). Uses the compose project of the docker-compose.yml beside
# this script; COMPOSE="docker compose" for Compose v2.
set -eu
cd "$(dirname "$0")"
COMPOSE=${COMPOSE:-docker-compose}
STOP_TIMEOUT=${STOP_TIMEOUT:-75}    # seconds a node may take to drain before SIGKILL
READY_TIMEOUT=${READY_TIMEOUT:-300} # seconds a replacement may take to come up

redeploy() {
  service=$1
  old=$($COMPOSE ps -q "$service")
  count=$(printf '%s\n' "$old" | grep -c . || true)
  if [ "$count" -ne 1 ]; then
    echo "redeploy: $service has $count containers, expected 1" >&2
    return 1
  fi
  echo "$service: starting a replacement beside $(printf '%.12s' "$old")"
  $COMPOSE up -d --no-deps --no-recreate --scale "$service=2" "$service"
  new=$($COMPOSE ps -q "$service" | grep -v "^$old\$")
  # Up means: the container's health check passes and the node logged that all verticles deployed.
  waited=0
  until [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$new")" = healthy ] \
      && docker logs "$new" 2>&1 | grep -q 'node up in'; do
    if [ "$(docker inspect -f '{{.State.Running}}' "$new")" != true ] || [ "$waited" -ge "$READY_TIMEOUT" ]; then
      echo "$service: the replacement did not come up; the old container keeps running." >&2
      echo "  its logs: docker logs $new; then remove it: docker rm $new" >&2
      docker stop -t "$STOP_TIMEOUT" "$new" >/dev/null
      return 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "$service: replacement is up after ${waited}s; draining the old container"
  docker stop -t "$STOP_TIMEOUT" "$old" >/dev/null
  docker rm "$old" >/dev/null
}

[ $# -gt 0 ] || { echo "usage: $0 SERVICE..." >&2; exit 2; }
for service in "$@"; do
  redeploy "$service"
done
