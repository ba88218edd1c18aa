#!/bin/sh
# Stands in for an installed ZAP's zap.sh in tests: starts the ZAP JSON-API test double with the same
# command-line options (-daemon -host 127.0.0.1 -port N -config api.key=...).
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." && exec "${HARNESS_TEST_PYTHON:-python3}" -m tests.zapdouble "$@"
