#!/usr/bin/env bash
# Trailmark developer entry point: install what is missing, build, run, test.
#
#   packaging/dev.sh run [ARGS]   install, build, start trailmark (GUI on the default database)
#   packaging/dev.sh test         install, build, run the whole test suite (under Xvfb + openbox)
#   packaging/dev.sh build        install, build only
#   packaging/dev.sh deps         install missing Debian packages only
#   packaging/dev.sh bench        install, build, run the benchmarks in tests/bench
#   packaging/dev.sh fuzz         build the libFuzzer targets (clang) and run each for a
#                                 bounded time (TRAILMARK_FUZZ_SECONDS, default 30)
#   packaging/dev.sh test-sanitizers   the whole suite built with ASan + UBSan (build/asan)
#
# Packages come from Debian 12 by name; nothing else is downloaded. The build lives in
# build/release (ccache, Ninja, -j2).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
preset=${TRAILMARK_PRESET:-release}
build_dir="$here/build/$preset"

# What building needs.
build_packages=(
    cmake ninja-build ccache g++ pkg-config clang-format
    qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl-dev
    libsqlite3-dev sqlite3
    libprotobuf-dev protobuf-compiler
    libspdlog-dev libfmt-dev
    libgit2-dev
    libxcb1-dev libxcb-res0-dev libxcb-ewmh-dev libxcb-icccm4-dev libxcb-keysyms1-dev
    libxcb-xinput-dev libxkbcommon-dev libxkbcommon-x11-dev   # GUI actions: raw input, keymap
    libatspi2.0-dev                                           # GUI actions: the UI element
    libpq-dev                                                 # the team store (PostgreSQL)
    bash-builtins zsh-dev libcap-dev   # headers for the bash builtin and zsh module hooks
)
# What running the app needs beyond the libraries above.
run_packages=(xvfb xauth openbox at-spi2-core dbus)
# What the tests drive: a real X server and window manager, real shells, real consumers.
test_packages=(
    xvfb xauth openbox xdotool x11-utils wmctrl xterm imagemagick
    at-spi2-core dbus libatk-adaptor python3-gi gir1.2-gtk-3.0   # GUI apps seen through AT-SPI
    bash zsh fish vim git
    python3 python3-protobuf python3-pandas
    appstream
    clang libclang-rt-14-dev
    postgresql-15                                             # a real server for the team store
)
# What the benchmarks need beyond the tests: callgrind counts the shell hooks' instructions.
bench_packages=(valgrind)

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_missing() {
    local missing=()
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "dev.sh: installing ${missing[*]}" >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
}

# PostgreSQL refuses to run as root: the team store tests start their server as this
# user (a system account without a home or a shell).
ensure_test_user() {
    if [ "$(id -u)" = 0 ] && ! id trailmark-pg >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin trailmark-pg
    fi
}

build() {
    export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
    # Paths relative to the checkout, so a fresh clone (CI) reuses the cache.
    export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$here}
    # ...and do not hash the working directory, which -g would otherwise put in every key
    # (debug info then names the directory the object was first built in).
    export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
    if [ ! -f "$build_dir/CMakeCache.txt" ]; then
        cmake --preset "$preset" >&2
    fi
    cmake --build --preset "$preset" >&2
}

# Runs a command inside a private X server with openbox, as the tests expect: real
# windows, real focus changes, a real window manager setting _NET_ACTIVE_WINDOW.
with_x11() {
    xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$here/packaging/x11-session.sh" "$@"
}

command=${1:-run}
shift || true
case "$command" in
deps)
    install_missing "${build_packages[@]}" "${run_packages[@]}" "${test_packages[@]}"
    ;;
build)
    install_missing "${build_packages[@]}"
    build
    ;;
run)
    install_missing "${build_packages[@]}" "${run_packages[@]}"
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
        echo "dev.sh: no display here; starting Trailmark on a virtual X display (Xvfb)." >&2
        with_x11 "$build_dir/app/trailmark" "$@"
    else
        exec "$build_dir/app/trailmark" "$@"
    fi
    ;;
test)
    install_missing "${build_packages[@]}" "${test_packages[@]}"
    ensure_test_user
    build
    with_x11 ctest --test-dir "$build_dir" --output-on-failure --timeout 600 "$@"
    ;;
fuzz)
    install_missing "${build_packages[@]}" clang libclang-rt-14-dev
    "$here/packaging/fuzz.sh" "$@"
    ;;
test-sanitizers)
    install_missing "${build_packages[@]}" "${test_packages[@]}"
    ensure_test_user
    preset=asan
    build_dir="$here/build/asan"
    build
    # LeakSanitizer on; the suppressions name only leaks inside system libraries.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/packaging/lsan.supp:print_suppressions=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    with_x11 ctest --test-dir "$build_dir" --output-on-failure --timeout 900 "$@"
    ;;
bench)
    install_missing "${build_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}"
    build
    for bench in "$build_dir"/tests/bench/bench_*; do
        [ -x "$bench" ] && with_x11 "$bench" "$@"
    done
    tests/bench/shell_hooks_callgrind.sh "$build_dir/app/trailmark"
    ;;
*)
    sed -n '2,10p' "$0" >&2
    exit 2
    ;;
esac
