#!/usr/bin/env bash
# End-to-end check of the plugin lifecycle in a virtual environment: installed -> listed, trains ->
# uninstalled -> gone, kgan still fine. Usage: bash examples/kgan-plugin-example/e2e.sh .venv
set -euo pipefail
venv=${1:-.venv}
out=$(mktemp -d)
"$venv/bin/kgan" list --verbose | grep "ragan .*kgan-plugin-example 0.1.0" > /dev/null
"$venv/bin/kgan" list --check > /dev/null
"$venv/bin/kgan" train ragan --dataset ring8 --epochs 1 --quiet --out "$out/ragan" > /dev/null
test -f "$out/ragan/model.keras"
"$venv/bin/pip" uninstall -q -y kgan-plugin-example
if "$venv/bin/kgan" list | grep ragan > /dev/null; then echo "ragan still listed after uninstall" >&2; exit 1; fi
"$venv/bin/python" -c "import kgan; import sys; sys.exit('ragan' in kgan.architectures.names())"
"$venv/bin/pip" install -q -e examples/kgan-plugin-example   # leave the environment as it was
rm -rf "$out"
echo "plugin lifecycle check ok: listed, trained, uninstalled, reinstalled"
