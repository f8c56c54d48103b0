#!/usr/bin/env bash
# Builds versitygw (the Versity S3 Gateway), the bundled S3 server for a team's state, once per machine.
#
# No registry this project reaches carries an S3 server binary, but the Go module proxy serves
# versitygw's source, so it is compiled here, like the pulumi CLI (scripts/bootstrap-pulumi.sh).
# The binary lands in $STATE_SERVER_TOOLS_DIR (default ~/.cache/genesys-trunks/versitygw-<version>),
# where later runs find it; a second run only checks it and takes a moment. Concurrent runs (parallel
# test workers) wait for one build instead of each starting their own.
#
# Prints the binary's path on stdout (progress goes to stderr).
set -euo pipefail

VERSITYGW_VERSION="${VERSITYGW_VERSION:-v1.8.0}"
MODULE=github.com/versity/versitygw
TOOLS_DIR="${STATE_SERVER_TOOLS_DIR:-$HOME/.cache/genesys-trunks/versitygw-$VERSITYGW_VERSION}"
BIN="$TOOLS_DIR/versitygw"

say() { printf '[bootstrap-versitygw] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Read whole, then matched (a `| grep -q` would close the pipe early: under pipefail, a false "no").
works() {
    local said
    [ -x "$BIN" ] && said="$("$BIN" --version 2>/dev/null)" && [[ "$said" == *"Version  : $VERSITYGW_VERSION"* ]]
}

if works; then
    say "versitygw $VERSITYGW_VERSION already built in $TOOLS_DIR"
    echo "$BIN"
    exit 0
fi

command -v go >/dev/null 2>&1 || die "Go is not installed. Install Go 1.25 or newer (apt-get install golang, or https://go.dev/dl) and run again."
command -v flock >/dev/null 2>&1 || die "flock is not installed (Debian: apt-get install util-linux)"
mkdir -p "$TOOLS_DIR"
exec 9>"$TOOLS_DIR/.build.lock"
flock 9
if works; then  # another run built it while this one waited
    say "versitygw $VERSITYGW_VERSION built by another run in $TOOLS_DIR"
    echo "$BIN"
    exit 0
fi

say "building versitygw $VERSITYGW_VERSION from the Go module proxy ($(go env GOPROXY)); the first build takes a minute or two"
# Built into a folder beside its final place and moved there whole: a killed build leaves no half-written binary.
partial="$TOOLS_DIR/.partial-$$"
trap 'rm -rf "$partial"' EXIT
GOFLAGS="${GOFLAGS:--buildvcs=false}" GOBIN="$partial" \
    go install -trimpath -ldflags "-s -w -X main.Version=$VERSITYGW_VERSION" "$MODULE/cmd/versitygw@$VERSITYGW_VERSION" ||
    die "go install $MODULE/cmd/versitygw@$VERSITYGW_VERSION failed (its errors are above). Check GOPROXY ($(go env GOPROXY)) and the network, or pick a served version with VERSITYGW_VERSION=..."
mv -f "$partial/versitygw" "$BIN"
works || die "built $BIN but \`versitygw --version\` does not report $VERSITYGW_VERSION"
say "installed versitygw $VERSITYGW_VERSION in $TOOLS_DIR ($(du -h "$BIN" | cut -f1))"
echo "$BIN"
