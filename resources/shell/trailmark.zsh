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
    typeset -g __tm_gen=0 __tm_records=0 __tm_n=0 __tm_id= __tm_t0= __tm_fd= __tm_tty= __tm_file= __tm_e=
    typeset -g __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}

    # Opens the next spool file of this shell: at start, every TRAILMARK_SPOOL_ROTATE
    # records (so the ingester can delete finished files), and when the file vanished.
    __tm_open() {
        (( ++__tm_gen )); __tm_records=0
        local file=$__tm_dir/$__tm_sid.$__tm_gen.spool fd
        if [[ ! -d $__tm_dir ]]; then
            (umask 077 && mkdir -p -- $__tm_dir) 2>/dev/null || return 0
        fi
        [[ -n $__tm_fd ]] && exec {__tm_fd}>&-
        __tm_fd=
        sysopen -a -o creat -m 600 -u fd -- $file 2>/dev/null && __tm_fd=$fd
        __tm_file=$file
    }

    # Sets __tm_e to $1 with backslash, newline, tab and CR escaped; other bytes as is.
    __tm_escape() {
        setopt localoptions nomultibyte
        __tm_e=${1//\\/\\\\}
        __tm_e=${__tm_e//$'\n'/\\n}
        __tm_e=${__tm_e//$'\t'/\\t}
        __tm_e=${__tm_e//$'\r'/\\r}
    }

    __tm_write() {
        [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
        [[ -n $__tm_fd ]] && print -rn -- "$1"$'\n' >&$__tm_fd
        (( ++__tm_records >= __tm_rotate )) && __tm_open
        return 0
    }

    # The hooks append inline and escape only text that needs it: they run for every
    # command, so every statement counts.
    __tm_preexec() {
        local text=$1 cwd=$PWD
        [[ $text == [[:space:]]* || $text == 'tm note'* ]] && return 0
        __tm_id=$__tm_sid-$(( ++__tm_n ))
        __tm_t0=$EPOCHREALTIME
        if [[ $cwd == *[$'\\\n\t\r']* ]]; then
            __tm_escape "$cwd"
            cwd=$__tm_e
        fi
        if [[ $text == *[$'\\\n\t\r']* ]]; then
            __tm_escape "$text"
            text=$__tm_e
        fi
        [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
        [[ -n $__tm_fd ]] && print -rn -- "S"$'\t'"$__tm_id"$'\t'"$__tm_t0"$'\t'"$cwd"$'\t'"$text"$'\n' >&$__tm_fd
        (( ++__tm_records >= __tm_rotate )) && __tm_open
        [[ -n $__tm_tty ]] && print -rn -- $'\e]133;B\a\e]133;C;'"$__tm_id"$'\a' >&$__tm_tty
        return 0
    }

    __tm_precmd() {
        local exit_status=$? pipe="${pipestatus[*]}"
        if [[ -n $__tm_id ]]; then
            local t1=$EPOCHREALTIME
            local -i duration
            (( duration = (t1 - __tm_t0) * 1000000 ))
            [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
            [[ -n $__tm_fd ]] && print -rn -- "E"$'\t'"$__tm_id"$'\t'"$t1"$'\t'"$exit_status"$'\t'"$pipe"$'\t'"$duration"$'\n' >&$__tm_fd
            (( ++__tm_records >= __tm_rotate )) && __tm_open
            [[ -n $__tm_tty ]] && print -rn -- $'\e]133;D;'"$exit_status;$__tm_id"$'\a' >&$__tm_tty
            __tm_id=
        fi
        [[ -n $__tm_tty ]] && print -rn -- $'\e]133;A\a' >&$__tm_tty
        return $exit_status
    }

    tm() {
        if [[ ${1-} == note && $# -gt 1 ]]; then
            shift
            __tm_escape "$*"
            __tm_write "N"$'\t'"$EPOCHREALTIME"$'\t'"$__tm_e"
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
