#!/usr/bin/env bash
# Installs uv, the installer that makes the project's virtualenvs, once per machine, and prints its path.
#
# uv resolves, downloads and compiles a virtualenv's packages in parallel: on a fresh clone the program's
# virtualenv takes about 9 s where pip took 20, the policy pack's 3 where pip took 7. It comes from PyPI like
# the packages it installs, into a virtualenv of its own under $UV_TOOLS_DIR (default
# ~/.cache/genesys-trunks/uv-<version>). Concurrent runs (parallel test workers) each install into a folder
# of their own and the first to finish is kept.
set -euo pipefail

UV_VERSION="${UV_VERSION:-0.13.9}"
TOOLS_DIR="${UV_TOOLS_DIR:-$HOME/.cache/genesys-trunks/uv-$UV_VERSION}"
BIN="$TOOLS_DIR/bin/uv"

say() { printf '[bootstrap-uv] %s\n' "$*" >&2; }

if [ ! -x "$BIN" ]; then
    say "installing uv $UV_VERSION into $TOOLS_DIR (once per machine)"
    mkdir -p "$(dirname "$TOOLS_DIR")"
    tmp="$(mktemp -d "$TOOLS_DIR.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    python3 -m venv "$tmp"
    # uv is one native binary: the folder it lands in can move (a virtualenv's pip could not).
    "$tmp/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" >&2 \
        || { say "error: pip could not install uv $UV_VERSION: it needs PyPI, or a mirror set in pip's config"; exit 1; }
    mv -T "$tmp" "$TOOLS_DIR" 2>/dev/null || [ -x "$BIN" ]
fi
echo "$BIN"
