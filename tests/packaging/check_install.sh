#!/usr/bin/env bash
# Installs the build into a scratch prefix and checks what a desktop needs: the binary,
# the .desktop entry, AppStream metainfo that appstreamcli accepts, every icon size,
# the .proto files that ship with exports, and the shell hooks' builtin and module,
# which the installed binary must find in ../lib/trailmark.
set -euo pipefail
build_dir=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
app_id=dev.trailmark.Trailmark
test -x "$prefix/bin/trailmark"
test -f "$prefix/share/applications/$app_id.desktop"
grep -q '^Exec=trailmark' "$prefix/share/applications/$app_id.desktop"
appstreamcli validate --no-net "$prefix/share/metainfo/$app_id.metainfo.xml" >/dev/null
test -f "$prefix/share/icons/hicolor/scalable/apps/$app_id.svg"
for size in 16 22 24 32 48 64 128 256; do
    png="$prefix/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
    test -s "$png"
    # The PNG header carries width and height at bytes 16..23.
    width=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
    [ "$width" = "$size" ] || { echo "$png is ${width}px wide, expected $size" >&2; exit 1; }
done
for proto in session event annotation; do
    test -f "$prefix/share/trailmark/proto/trailmark/v1/$proto.proto"
done
"$prefix/bin/trailmark" --version | grep -q '^trailmark '
# Built where the shells' headers are (packaging/dev.sh installs them); a build without
# them has the shell-function hooks only.
for shell in bash zsh; do
    [ -f "$build_dir/app/trailmark_$shell.so" ] || continue
    library=$(find "$prefix" -name "trailmark_$shell.so")
    [ -n "$library" ] || { echo "trailmark_$shell.so is not installed" >&2; exit 1; }
    # Not piped into grep -q: its early exit would end trailmark with SIGPIPE, which
    # pipefail turns into a failure.
    script=$("$prefix/bin/trailmark" init $shell)
    [[ $script == *"$(dirname "$library")"* ]] ||
        { echo "trailmark init $shell does not load $library" >&2; exit 1; }
done
echo "install check: ok"
