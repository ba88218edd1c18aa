#!/usr/bin/env bash
# Create .venv and install the harness (editable) with everything it needs. Idempotent and quiet when
# nothing is missing. Debian packages (CJK and fallback fonts, poppler, stress-ng for make test-loaded, and
# the servers the tests run: PostgreSQL, OpenSSL, httpbin) are installed only when running as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

# fonts-dejavu-core: the report's fallback for Hebrew, Arabic and symbols; postgresql: the history tests start
# a real server; openssl: the signing tests run its CA and TSA; python3-httpbin: a third-party web application
# the security tests scan; stress-ng: make test-loaded; shellcheck: actionlint checks the CI examples' scripts with it;
# chromium and chromium-driver: the dashboard's browser tests (harness serve, driven through Selenium; nothing is
# downloaded at run time); prometheus: the monitoring suite's tests and the go-live demo query a real one
DEB_PACKAGES=(fonts-wqy-zenhei fonts-dejavu-core poppler-utils postgresql openssl python3-httpbin stress-ng shellcheck
    chromium chromium-driver prometheus)
missing=()
for package in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing Debian packages: ${missing[*]}"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "warning: missing Debian packages ${missing[*]} (install them, or run make setup as root)" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
# pip's notes about unreadable extra index locations on some machines are noise, not errors
quiet_pip() { .venv/bin/python -m pip install --quiet "$@" 2> >(grep -v "^WARNING: Location" >&2); }
quiet_pip --upgrade "pip>=24"
quiet_pip -e ".[dev]"
.venv/bin/python -c "import harness" || { echo "installation failed" >&2; exit 1; }

# wapiti3, the security suites' engine when no ZAP is available, pins httpx/mitmproxy/... versions that
# clash with ours: it gets its own virtualenv, where the security runner looks for it.
WAPITI_VENV=.venv/tools/wapiti
if ! "$WAPITI_VENV/bin/wapiti" --version >/dev/null 2>&1; then
    "$PYTHON" -m venv "$WAPITI_VENV"
    "$WAPITI_VENV/bin/python" -m pip install --quiet "wapiti3>=3.2.3,<3.3" 2> >(grep -v "^WARNING: Location" >&2)
    "$WAPITI_VENV/bin/wapiti" --version >/dev/null 2>&1 || { echo "wapiti installation failed" >&2; exit 1; }
fi
echo "ready: .venv/bin/harness $(.venv/bin/harness --version 2>/dev/null || true)"
