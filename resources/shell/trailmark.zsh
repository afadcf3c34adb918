# Trailmark shell integration for zsh >= 5.1. Load it with:  eval "$(trailmark init zsh)"
#
# Records every command line exactly as typed, its cwd, exit status, pipestatus and
# duration into a private spool file that Trailmark ingests later. On the command path
# nothing forks or execs: preexec/precmd hooks write with built-ins to a file descriptor
# opened once (zsh/system's sysopen creates it 0600). A command line that starts with a
# space is not recorded at all. `tm note TEXT` records a note. The spool line format is
# documented in capture/shell/SpoolRecord.h.
if [[ -o interactive && -z ${__tm_sid-} ]] && zmodload zsh/datetime zsh/system 2>/dev/null; then
    typeset -g __tm_dir=${TRAILMARK_SPOOL_DIR:-'@TRAILMARK_SPOOL_DIR@'}
    typeset -gi __tm_us
    (( __tm_us = EPOCHREALTIME * 1000000 ))
    typeset -g __tm_sid=zsh-$$-$__tm_us
    typeset -g __tm_gen=0 __tm_records=0 __tm_n=0 __tm_t0= __tm_fd= __tm_tty= __tm_file=
    typeset -g __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}

    # Opens the next spool file of this shell: at start, before a file would hold more
    # than TRAILMARK_SPOOL_ROTATE records (so the ingester can delete finished files), and
    # when the file vanished. $1: the records about to be written (a command's start and
    # end count together, when it starts). Without a file the hooks write to /dev/null.
    __tm_open() {
        (( ++__tm_gen )); __tm_records=${1:-0}
        local file=$__tm_dir/$__tm_sid.$__tm_gen.spool fd
        if [[ ! -d $__tm_dir ]]; then
            (umask 077 && mkdir -p -- $__tm_dir) 2>/dev/null || return 0
        fi
        [[ -n $__tm_fd ]] && exec {__tm_fd}>&-
        __tm_fd=
        sysopen -a -o creat -m 600 -u fd -- $file 2>/dev/null && __tm_fd=$fd
        [[ -n $__tm_fd ]] || { sysopen -w -u fd -- /dev/null && __tm_fd=$fd }
        __tm_file=$file
    }

    # The hooks run for every command, so every statement counts: records are raw
    # bytes with NUL-ended text fields (capture/shell/SpoolRecord.h), nothing is escaped.
    # A NUL inside the line (zsh strings can hold one) would end its field early; the
    # ingester then reports the record as malformed instead of storing a wrong command.
    __tm_preexec() {
        [[ $1 != [[:space:]]* && $1 != 'tm note'* ]] || return 0
        __tm_t0=$EPOCHREALTIME
        (( ++__tm_n ))
        [[ -e $__tm_file ]] && (( (__tm_records += 2) <= __tm_rotate )) || __tm_open 2
        print -rn -- "S0"$'\t'$__tm_n$'\t'$__tm_t0$'\t'"$PWD"$'\0'"$1"$'\0\n' 2>&- >&$__tm_fd
        [[ -z $__tm_tty ]] || print -rn -- $'\e]133;B\a\e]133;C;'"$__tm_sid-$__tm_n"$'\a' >&$__tm_tty
        return 0
    }

    __tm_precmd() {
        local exit_status=$? pipe="${pipestatus[*]}"
        if [[ -n $__tm_t0 ]]; then
            print -rn -- "E0"$'\t'$__tm_n$'\t'$EPOCHREALTIME$'\t'$exit_status$'\t'"$pipe"$'\t'$__tm_t0$'\n' 2>&- >&$__tm_fd
            [[ -z $__tm_tty ]] || print -rn -- $'\e]133;D;'"$exit_status;$__tm_sid-$__tm_n"$'\a' >&$__tm_tty
            __tm_t0=
        fi
        [[ -z $__tm_tty ]] || print -rn -- $'\e]133;A\a' >&$__tm_tty
        return $exit_status
    }

    tm() {
        if [[ ${1-} == note && $# -gt 1 ]]; then
            shift
            [[ -e $__tm_file ]] && (( ++__tm_records <= __tm_rotate )) || __tm_open 1
            print -rn -- "N0"$'\t'$EPOCHREALTIME$'\t'"$*"$'\0\n' 2>&- >&$__tm_fd
            return 0
        else
            print -r -- 'usage: tm note TEXT' >&2
            return 2
        fi
    }

    __tm_open
    [[ -n ${TRAILMARK_PTY-} ]] && { exec {__tm_tty}>/dev/tty } 2>/dev/null
    autoload -Uz add-zsh-hook
    add-zsh-hook preexec __tm_preexec
    # precmd runs first among precmd hooks so that it sees the command's $? and pipestatus.
    precmd_functions=(__tm_precmd ${precmd_functions:#__tm_precmd})
fi
