#!/bin/sh
# Builds the project and starts the local sandbox (API server, operator, forwarders, a sample
# provider and an endpoint to it, all on loopback). Ctrl-C stops everything. Options: --help.
set -e
cd "$(dirname "$0")"
mvn -B -q package -DskipTests
exec java -jar target/quarkus-app/quarkus-run.jar sandbox "$@"
