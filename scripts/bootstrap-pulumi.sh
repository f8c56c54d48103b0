#!/usr/bin/env bash
# Builds the pinned pulumi CLI from its Go module, once per machine.
#
# PyPI and npm carry no pulumi CLI that works without internet, but the Go module proxy
# serves pulumi's source, so the CLI is compiled here. The result lands in
# $PULUMI_TOOLS_DIR (default ~/.pulumi/bin) where later runs, `make` and CI find it again;
# a second run only checks versions and takes a moment.
#
# Also installed beside it, from the pinned SDK module:
#   pulumi-resource-pulumi-python  runs dynamic providers with the project's interpreter
#   pulumi-language-python         the Python language host (scripts/pulumi_plugins/), so
#                                  `pulumi up` runs __main__.py like any Python project.
set -euo pipefail

TOOLS_DIR="${PULUMI_TOOLS_DIR:-$HOME/.pulumi/bin}"
PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '[bootstrap-pulumi] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The CLI is built at the version of the SDK that requirements.txt pins (`pulumi==X.Y.Z`): one pin for both.
pinned_sdk() { sed -n 's/^pulumi==\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "$PROJECT_DIR/requirements.txt"; }
PULUMI_VERSION="${PULUMI_VERSION:-$(pinned_sdk)}"
[ -n "$PULUMI_VERSION" ] || die "requirements.txt pins no pulumi version (a line 'pulumi==X.Y.Z'); set PULUMI_VERSION=X.Y.Z"

cli_version() { "$1" version 2>/dev/null | tr -d '[:space:]' || true; }

# Put $2 (a file's content on stdin when $2 is -) at $1 by a rename, and only when it differs: the engine may be
# running the old one at that moment (another `make` or test on this machine), and a file being rewritten in
# place cannot be executed ("text file busy") or may be read half-written.
install_file() {
    local target="$1" source="$2" tmp
    tmp="$(mktemp "$target.XXXXXX")"
    if [ "$source" = - ]; then cat >"$tmp"; else cp "$source" "$tmp"; fi
    chmod "${3:-644}" "$tmp"
    if cmp -s "$tmp" "$target"; then rm -f "$tmp"; else mv -f "$tmp" "$target"; fi
}

install_plugin_scripts() {
    # Plugins the engine finds on PATH beside the CLI. They hold no path of this checkout:
    # each picks the interpreter from PULUMI_PYTHON_CMD, else the project's ./.venv (the
    # engine starts plugins in the project directory), else python3. Installed on every
    # run, so an update of the language host lands with the next `make`.
    rm -rf "$TOOLS_DIR/langhost"  # an older layout
    mkdir -p "$TOOLS_DIR/pulumi_plugins"
    local source
    for source in "$PROJECT_DIR"/scripts/pulumi_plugins/*.py; do
        install_file "$TOOLS_DIR/pulumi_plugins/$(basename "$source")" "$source"
    done
    local pick='py="${PULUMI_PYTHON_CMD:-}"; [ -n "$py" ] || { [ -x .venv/bin/python ] && py=.venv/bin/python; } || py=python3'
    install_file "$TOOLS_DIR/pulumi-resource-pulumi-python" - 755 <<SH
#!/bin/sh
# Dynamic-provider plugin: serves pulumi.dynamic providers with the project's Python
# (see scripts/pulumi_plugins/dynamic_provider.py in genesys-trunks).
$pick
exec "\$py" -u "$TOOLS_DIR/pulumi_plugins/dynamic_provider.py" "\$@"
SH
    install_file "$TOOLS_DIR/pulumi-language-python" - 755 <<SH
#!/bin/sh
# Python language host (see scripts/pulumi_plugins/language_host.py in genesys-trunks).
$pick
PULUMI_LANGUAGE_HOST_VERSION=$PULUMI_VERSION exec "\$py" -u "$TOOLS_DIR/pulumi_plugins/language_host.py" "\$@"
SH
}

want="v$PULUMI_VERSION"

# 1. A pulumi already on PATH at the pinned version is used as it is.
if onpath="$(command -v pulumi 2>/dev/null)" && [ "$(cli_version "$onpath")" = "$want" ]; then
    say "using $onpath ($want)"
    install_plugin_scripts
    exit 0
fi

# 2. A previous build.
if [ -x "$TOOLS_DIR/pulumi" ] && [ "$(cli_version "$TOOLS_DIR/pulumi")" = "$want" ]; then
    say "pulumi $want already built in $TOOLS_DIR"
    install_plugin_scripts
    exit 0
fi

# 3. Build it.
command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer (apt-get install golang, or https://go.dev/dl) and run again."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
say "building pulumi $want from the Go module proxy ($(go env GOPROXY)); the first build takes several minutes"
build="$(mktemp -d)"
# The EXIT trap runs under `set -e` as well: a failing command in it would turn a good build into exit 1.
clean_up() { rm -rf "$build" 2>/dev/null || true; }
trap clean_up EXIT
cd "$build"

go mod init pulumi-cli-build >/dev/null 2>&1 || die "go mod init failed in $build"
say "step 1/3: fetching github.com/pulumi/pulumi/pkg/v3@$want"
if ! gomod="$(go mod download -json "github.com/pulumi/pulumi/pkg/v3@$want" 2>"$build/err" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')" || [ -z "$gomod" ]; then
    cat "$build/err" >&2
    die "the Go module proxy did not serve github.com/pulumi/pulumi/pkg/v3@$want. Check GOPROXY ($(go env GOPROXY)) and the network, or pick a served version with PULUMI_VERSION=..."
fi
# pkg's own go.mod replaces sdk with a local path (dropped: we pin the same tag) and some
# third-party modules with forks (kept: the CLI does not build without them).
grep -E '^replace ' "$gomod" | grep -v '=> \.' >>go.mod || true
go mod edit -require="github.com/pulumi/pulumi/sdk/v3@$want" -require="github.com/pulumi/pulumi/pkg/v3@$want"

say "step 2/3: resolving the CLI's dependencies"
go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$want" 2>&1 | sed -u 's/^/  /' | awk 'NR % 50 == 1 { print; fflush() }' >&2 ||
    die "could not resolve the CLI's dependencies (go get github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$want)"

say "step 3/3: compiling (this is the long part; progress every 30 s)"
tick() {
    # Its sleep goes with it: an orphaned sleep would hold the caller's stderr open for up to 30 s.
    local nap=""
    trap '[ -z "$nap" ] || kill "$nap" 2>/dev/null; exit 0' TERM
    while :; do
        sleep 30 &
        nap=$!
        wait "$nap" || true
        say "  still compiling... $(find "$(go env GOCACHE)" -type f -newer go.mod 2>/dev/null | wc -l) objects"
    done
}
stop_ticker() {
    # Runs from the EXIT trap too, where the ticker may be gone already: nothing here may fail under `set -e`.
    [ -n "${ticker:-}" ] || return 0
    kill "$ticker" 2>/dev/null || true
    wait "$ticker" 2>/dev/null || true
    ticker=""
}
tick &
ticker=$!
trap 'stop_ticker; clean_up' EXIT
mkdir -p "$TOOLS_DIR"
go build -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$want" \
    -o "$TOOLS_DIR/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ||
    die "go build of github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$want failed (its errors are above)"
stop_ticker

got="$(cli_version "$TOOLS_DIR/pulumi")"
[ "$got" = "$want" ] || die "built $TOOLS_DIR/pulumi but it reports '$got', not $want"
install_plugin_scripts
say "installed pulumi $got in $TOOLS_DIR ($(du -h "$TOOLS_DIR/pulumi" | cut -f1))"
