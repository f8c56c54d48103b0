#!/usr/bin/env bash
# Builds the SeaweedFS server (`weed`), the bundled S3 server for a team's state, once per machine.
#
# No registry this project reaches carries an S3 server binary, but the Go module proxy serves
# SeaweedFS's source, so it is compiled here, like the pulumi CLI (scripts/bootstrap-pulumi.sh).
# The binary lands in $STATE_SERVER_TOOLS_DIR (default ~/.cache/genesys-trunks/seaweedfs-<version>),
# where later runs find it; a second run only checks it and takes a moment. Concurrent runs (parallel
# test workers) wait for one build instead of each starting their own.
#
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

# SeaweedFS tags its releases without the `v` Go's versions need, so the proxy knows them by the
# pseudo-version of the release's commit: this one reports itself as 4.53.
SEAWEEDFS_VERSION="${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
MODULE=github.com/seaweedfs/seaweedfs
TOOLS_DIR="${STATE_SERVER_TOOLS_DIR:-$HOME/.cache/genesys-trunks/seaweedfs-$SEAWEEDFS_VERSION}"
BIN="$TOOLS_DIR/weed"

say() { printf '[bootstrap-seaweedfs] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

works() { [ -x "$BIN" ] && "$BIN" version >/dev/null 2>&1; }

if works; then
    say "weed $SEAWEEDFS_VERSION already built in $TOOLS_DIR"
    echo "$BIN"
    exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.26 or newer (apt-get install golang, or https://go.dev/dl) and run again."
command -v flock >/dev/null 2>&1 || die "flock is not installed (Debian: apt-get install util-linux)"
mkdir -p "$TOOLS_DIR"
exec 9>"$TOOLS_DIR/.build.lock"
flock 9
if works; then  # another run built it while this one waited
    say "weed $SEAWEEDFS_VERSION built by another run in $TOOLS_DIR"
    echo "$BIN"
    exit 0
fi

export GOFLAGS="${GOFLAGS:--buildvcs=false}"
say "building SeaweedFS $SEAWEEDFS_VERSION from the Go module proxy ($(go env GOPROXY)); the first build takes about 5 minutes"
build="$(mktemp -d)"
clean_up() { rm -rf "$build" 2>/dev/null || true; }
trap clean_up EXIT
cd "$build"

go mod init seaweedfs-build >/dev/null 2>&1 || die "go mod init failed in $build"
say "step 1/3: fetching $MODULE@$SEAWEEDFS_VERSION"
if ! gomod="$(go mod download -json "$MODULE@$SEAWEEDFS_VERSION" 2>"$build/err" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')" || [ -z "$gomod" ]; then
    cat "$build/err" >&2
    die "the Go module proxy did not serve $MODULE@$SEAWEEDFS_VERSION. Check GOPROXY ($(go env GOPROXY)) and the network, or pick a served version with SEAWEEDFS_VERSION=..."
fi
# Its own go.mod replaces some modules with forks (kept: it does not build without them); a replace
# by a local path would name a folder of its author's machine (dropped).
grep -E '^replace ' "$gomod" | grep -v '=> [./]' >>go.mod || true
go mod edit -require="$MODULE@$SEAWEEDFS_VERSION"

say "step 2/3: resolving its dependencies"
go get "$MODULE/weed@$SEAWEEDFS_VERSION" 2>&1 | sed -u 's/^/  /' | awk 'NR % 50 == 1 { print; fflush() }' >&2 ||
    die "could not resolve SeaweedFS's dependencies (go get $MODULE/weed@$SEAWEEDFS_VERSION)"

say "step 3/3: compiling (the long part; progress every 30 s)"
tick() {
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
    [ -n "${ticker:-}" ] || return 0
    kill "$ticker" 2>/dev/null || true
    wait "$ticker" 2>/dev/null || true
    ticker=""
}
tick &
ticker=$!
trap 'stop_ticker; clean_up' EXIT
# Built beside its final name and moved there whole: a killed build leaves no half-written binary.
go build -trimpath -ldflags "-s -w" -o "$BIN.partial" "$MODULE/weed" ||
    die "go build of $MODULE/weed@$SEAWEEDFS_VERSION failed (its errors are above)"
stop_ticker
mv -f "$BIN.partial" "$BIN"
works || die "built $BIN but \`weed version\` fails"
say "installed $("$BIN" version 2>/dev/null | head -1) in $TOOLS_DIR ($(du -h "$BIN" | cut -f1))"
echo "$BIN"
