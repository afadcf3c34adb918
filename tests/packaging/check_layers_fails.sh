#!/usr/bin/env bash
# packaging/check-layers can fail: on a copy of the tree (hard links where the file
# system allows) that passes, plant wrong-way includes (quoted and in angle brackets)
# and a wrong namespace, and expect a non-zero exit that names each planted file and
# line. Then remove them again and expect a pass.
set -euo pipefail
src=$(cd "$1" && pwd)
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT

for top in CMakeLists.txt app capture schema resources tests packaging; do
    # Across file systems hard links fail: start that part again as a plain copy.
    cp -al "$src/$top" "$tree/" 2>/dev/null || { rm -rf "${tree:?}/$top" && cp -a "$src/$top" "$tree/"; }
done
check() { "$src/packaging/check-layers" "$tree"; }

# A file is replaced, never written through: a hard link would change the real tree.
plant() { # plant FILE LINE: append LINE to the copy of FILE
    { cat "$src/$1"; printf '%s\n' "$2"; } >"$tree/$1.planted"
    mv "$tree/$1.planted" "$tree/$1"
}
restore() { rm "$tree/$1"; cp "$src/$1" "$tree/$1"; }
expect_line() { # expect_line OUTPUT FILE WHAT
    grep -qF -- "$2:$(($(wc -l <"$src/$2") + 1)): $3" <<<"$1" || {
        echo "check-layers did not report $3 at the end of $2; it printed:" >&2
        echo "$1" >&2
        exit 1
    }
}

check >/dev/null || { echo "the unchanged copy of the tree does not pass" >&2; check >&2 || true; exit 1; }

store_file=schema/store/Clock.cpp
chains_file=app/chains/Step.cpp
team_file=app/team/Planted.h
plant "$store_file" '#include "chains/Step.h"'
plant "$chains_file" '#include "gui/MainWindow.h"'
# Angle brackets are no way around the rules.
team_include_file=app/team/TeamSchema.cpp
plant "$team_include_file" '#include <chains/Step.h>'
printf '#pragma once\n\nnamespace trailmark::teamstore {\nclass Elsewhere;\n}\n' >"$tree/$team_file"
# And one that is allowed: the store's own header again, to show not everything fails.
plant schema/store/Uuid.cpp '#include "store/Clock.h"'

set +e
output=$(check 2>&1)
status=$?
set -e
[ "$status" -eq 1 ] || { echo "check-layers exited $status, expected 1:" >&2; echo "$output" >&2; exit 1; }
expect_line "$output" "$store_file" '"chains/Step.h" is not allowed in store (may include: proto)'
expect_line "$output" "$chains_file" '"gui/MainWindow.h" is not allowed in chains (may include: proto store)'
expect_line "$output" "$team_include_file" '"chains/Step.h" is not allowed in team (may include: proto store)'
grep -qF "$team_file:1: opens no namespace trailmark::team" <<<"$output" || {
    echo "check-layers did not report the namespace of $team_file:" >&2
    echo "$output" >&2
    exit 1
}
[ "$(grep -cE '^[^ ]+:[0-9]+: ' <<<"$output")" -eq 4 ] || { echo "expected exactly 4 reports:" >&2; echo "$output" >&2; exit 1; }

for file in "$store_file" "$chains_file" "$team_include_file" schema/store/Uuid.cpp; do
    restore "$file"
done
rm "$tree/$team_file"
check >/dev/null || { echo "check-layers still fails with the planted lines removed" >&2; exit 1; }
echo "check-layers fails on planted wrong-way includes and a wrong namespace, and passes without them"
