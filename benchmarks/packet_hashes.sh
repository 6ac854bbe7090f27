#!/bin/sh
# SHA-256 of the example packet and of a split build (3 volumes). A refactor must leave them
# unchanged: run before and after, and diff. Usage: sh benchmarks/packet_hashes.sh [python]
set -e
PY=${1:-python}
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
"$PY" -m parolekit build examples/medical-parole/case.yaml -o "$OUT/packet.pdf" -q
"$PY" -m parolekit build examples/medical-parole/case.yaml -o "$OUT/split/packet.pdf" --max-file-mb 0.3 -q
cd "$OUT" && sha256sum packet.pdf split/*.pdf
rm -rf "$OUT"
