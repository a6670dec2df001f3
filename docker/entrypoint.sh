#!/bin/sh
# Starts the launcher as PID 1 (so SIGTERM reaches the JVM and drains the node).
#
# The cluster binds to the network interface whose IP address is cluster.host. When
# ATELIER_CLUSTER_HOST is not given, use this container's own IP
# address: it is right for every replica, also while a service runs two containers during a
# redeploy. A container on several networks should set ATELIER_CLUSTER_HOST to one of its IPs.
set -eu

if [ -z "${ATELIER_CLUSTER_HOST:-}" ]; then
  ATELIER_CLUSTER_HOST=$(hostname -I 2>/dev/null | awk '{ print $1 }')
  if [ -n "$ATELIER_CLUSTER_HOST" ]; then
    export ATELIER_CLUSTER_HOST
  else
    unset ATELIER_CLUSTER_HOST
  fi
fi

# JAVA_OPTS: extra JVM flags, e.g. -Xmx2g (by default the heap follows the container's memory limit).
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar /opt/atelier/atelier.jar "$@"
