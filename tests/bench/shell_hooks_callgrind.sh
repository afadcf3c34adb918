#!/bin/bash
# Instructions the Trailmark shell hooks add per command, counted by callgrind: unlike
# CPU time (bench_shell_hooks) the count repeats exactly on a busy machine, so it is the
# figure to compare hook versions with. Each shell runs N and 3N commands `:` from a file
# (interactive, so history, PROMPT_COMMAND/precmd and the DEBUG trap work as at a
# terminal, minus readline) with and without `trailmark init`; the difference of the two
# runs divided by 2N removes start-up and exit. Each shell's hook is counted twice: as
# `trailmark init` loads it (bash's builtin, zsh's module), and as the shell functions
# they fall back to.
#
#   tests/bench/shell_hooks_callgrind.sh TRAILMARK_BINARY [N]     (default N = 100)
set -euo pipefail
binary=${1:?usage: $0 TRAILMARK_BINARY [N]} n=${2:-100}
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
export LANG=C.UTF-8 TRAILMARK_SPOOL_DIR=$work/spool

instructions() { # shell hooked count
    local dir=$work/$1-$2-$3 shell=$1
    mkdir -p "$dir"
    for ((i = 0; i < $3; i++)); do echo ':'; done >"$dir/commands"
    if [[ $shell == bash ]]; then
        { echo "PS1='$ '"; echo 'HISTFILE=/dev/null'; [[ $2 == no ]] || "$binary" init bash; } >"$dir/rc"
        valgrind --tool=callgrind --callgrind-out-file="$dir/out" bash --noprofile --rcfile "$dir/rc" -i \
            <"$dir/commands" >/dev/null 2>&1
    else
        { echo "PS1='%# '"; echo 'unset HISTFILE'; [[ $2 == no ]] || "$binary" init zsh; } >"$dir/.zshrc"
        ZDOTDIR=$dir valgrind --tool=callgrind --callgrind-out-file="$dir/out" zsh -i <"$dir/commands" >/dev/null 2>&1
    fi
    awk '/^summary:/ { print $2 }' "$dir/out"
}

for shell in bash zsh; do
    plain=$(( ($(instructions $shell no $((3 * n))) - $(instructions $shell no $n)) / (2 * n) ))
    hooked=$(( ($(instructions $shell yes $((3 * n))) - $(instructions $shell yes $n)) / (2 * n) ))
    # The shell-function hooks the builtin (bash) and module (zsh) fall back to.
    functions=$(
        export TRAILMARK_BASH_LOADABLE=0 TRAILMARK_ZSH_MODULE=0
        echo $(( ($(instructions $shell fn $((3 * n))) - $(instructions $shell fn $n)) / (2 * n) ))
    )
    echo "$shell: instructions per command: plain $plain, with trailmark $hooked (added $((hooked - plain))," \
        "$([[ $shell == bash ]] && echo builtin || echo module)), with its shell functions $functions" \
        "(added $((functions - plain)))"
done
