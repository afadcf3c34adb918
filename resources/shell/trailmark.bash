# Trailmark shell integration for bash >= 5.0. Load it with:  eval "$(trailmark init bash)"
#
# Records every command line (as bash's history saw it), its cwd, exit status, PIPESTATUS
# and duration into a private spool file that Trailmark ingests later. On the command
# path nothing forks or execs: only built-ins writing to a file descriptor opened once.
# A command line that starts with a space is not recorded at all (as HISTCONTROL's
# ignorespace). `tm note TEXT` records a note. The spool line format is documented in
# capture/shell/SpoolRecord.h.
if [[ $- == *i* && -z ${__tm_sid-} && ${BASH_VERSINFO[0]} -ge 5 ]]; then
    __tm_dir=${TRAILMARK_SPOOL_DIR:-'@TRAILMARK_SPOOL_DIR@'}
    __tm_sid=bash-$$-${EPOCHREALTIME//[.,]/}
    __tm_gen=0 __tm_records=0 __tm_n=0 __tm_id= __tm_t0= __tm_ready= __tm_hist= __tm_fd= __tm_tty=
    __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}
    __tm_histre='^ *([0-9]+)\*?  '
    __tm_scratch=$__tm_dir/$__tm_sid.scratch
    __tm_bs='\' __tm_bs2='\\' __tm_nl=$'\n' __tm_nle='\n' __tm_tab=$'\t' __tm_tabe='\t' __tm_cr=$'\r' __tm_cre='\r'

    # Opens the next spool file of this shell. Runs at start, every TRAILMARK_SPOOL_ROTATE
    # records (so the ingester can delete finished files), and when the file vanished.
    # umask 077 is set around the open and the user's umask restored, read back through
    # the scratch file because $(umask) would fork.
    __tm_open() {
        ((++__tm_gen)); __tm_records=0
        local file=$__tm_dir/$__tm_sid.$__tm_gen.spool um=
        if [[ ! -d $__tm_dir ]]; then
            # Only when the directory vanished (or at first use without `trailmark init`).
            (umask 077 && mkdir -p -- "$__tm_dir") 2>/dev/null || return 0
        fi
        { builtin umask -p >|"$__tm_scratch" && IFS= read -r um <"$__tm_scratch"; } 2>/dev/null
        builtin umask 077
        [[ -n $__tm_fd ]] && exec {__tm_fd}>&-
        { exec {__tm_fd}>>"$file"; } 2>/dev/null || __tm_fd=
        builtin ${um:-umask 022}
        __tm_file=$file
    }

    # Sets __tm_e to $1 with backslash, newline, tab and CR escaped; every other byte is
    # kept as is. LC_ALL=C makes the substitution work on bytes in any locale.
    __tm_escape() {
        local LC_ALL=C
        __tm_e=${1//"$__tm_bs"/"$__tm_bs2"}
        __tm_e=${__tm_e//"$__tm_nl"/"$__tm_nle"}
        __tm_e=${__tm_e//"$__tm_tab"/"$__tm_tabe"}
        __tm_e=${__tm_e//"$__tm_cr"/"$__tm_cre"}
    }

    __tm_write() {
        [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
        [[ -n $__tm_fd ]] && builtin printf '%s\n' "$1" >&"$__tm_fd"
        ((++__tm_records >= __tm_rotate)) && __tm_open
        return 0
    }

    # DEBUG trap: the first simple command after a prompt starts a command line.
    # Bash restores $? and PIPESTATUS after the trap; $_ comes back because the trap's
    # own last argument is the old $_.
    __tm_preexec() {
        [[ -n $__tm_ready && $BASH_COMMAND != __tm_precmd* ]] || return 0
        __tm_ready=
        local line= text= number HISTTIMEFORMAT=
        { builtin history 1 >|"$__tm_scratch" && IFS= read -r -d '' line <"$__tm_scratch"; } 2>/dev/null
        [[ $line =~ $__tm_histre ]] || return 0
        number=${BASH_REMATCH[1]}
        text=${line:${#BASH_REMATCH[0]}}
        text=${text%"$__tm_nl"}
        if [[ $number == "$__tm_hist" ]]; then
            # Not added to history: a leading space under ignorespace (the user's opt-out,
            # skipped), or a repeat under ignoredups (same text as the last entry).
            [[ $text == "$BASH_COMMAND"* ]] || return 0
        fi
        __tm_hist=$number
        [[ $text == [[:space:]]* || $text == 'tm note'* ]] && return 0
        __tm_id=$__tm_sid-$((++__tm_n))
        __tm_t0=$EPOCHREALTIME
        __tm_escape "$PWD"
        local cwd=$__tm_e
        __tm_escape "$text"
        __tm_write "S${__tm_tab}${__tm_id}${__tm_tab}${__tm_t0}${__tm_tab}${cwd}${__tm_tab}${__tm_e}"
        [[ -n $__tm_tty ]] && builtin printf '\e]133;B\a\e]133;C;%s\a' "$__tm_id" >&"$__tm_tty"
        return 0
    }

    # First entry of PROMPT_COMMAND: ends the command line that just ran, marks the prompt.
    __tm_precmd() {
        local status=$? pipe="${PIPESTATUS[*]}"
        if [[ -n $__tm_id ]]; then
            local t1=$EPOCHREALTIME
            __tm_write "E${__tm_tab}${__tm_id}${__tm_tab}${t1}${__tm_tab}${status}${__tm_tab}${pipe}${__tm_tab}$((${t1//[.,]/} - ${__tm_t0//[.,]/}))"
            [[ -n $__tm_tty ]] && builtin printf '\e]133;D;%s;%s\a' "$status" "$__tm_id" >&"$__tm_tty"
            __tm_id=
        fi
        [[ -n $__tm_tty ]] && builtin printf '\e]133;A\a' >&"$__tm_tty"
        __tm_ready=1
        return $status
    }

    tm() {
        if [[ ${1-} == note && $# -gt 1 ]]; then
            shift
            __tm_escape "$*"
            __tm_write "N${__tm_tab}${EPOCHREALTIME}${__tm_tab}${__tm_e}"
        else
            builtin printf 'usage: tm note TEXT\n' >&2
            return 2
        fi
    }

    # The scratch file holds the last history line; create it private. This subshell is
    # the only fork, once at shell start.
    [[ -d $__tm_dir ]] || (umask 077 && mkdir -p -- "$__tm_dir") 2>/dev/null
    (umask 077 && : >>"$__tm_scratch") 2>/dev/null
    __tm_open
    { builtin history 1 >|"$__tm_scratch" && IFS= read -r __tm_hist <"$__tm_scratch"; } 2>/dev/null
    [[ $__tm_hist =~ ^\ *([0-9]+) ]] && __tm_hist=${BASH_REMATCH[1]} || __tm_hist=
    [[ -n ${TRAILMARK_PTY-} ]] && { exec {__tm_tty}>/dev/tty; } 2>/dev/null

    # Keep the user's PROMPT_COMMAND (string or bash 5.1 array); ours runs first so it
    # sees the command's $? and PIPESTATUS, and returns that $? to the rest.
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=(__tm_precmd "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND=__tm_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
    fi
    # Keep a DEBUG trap the user already had: it runs after ours, with $_ intact.
    __tm_user_debug=$(trap -p DEBUG)
    __tm_user_debug=${__tm_user_debug#"trap -- '"}
    __tm_user_debug=${__tm_user_debug%"' DEBUG"}
    __tm_user_debug=${__tm_user_debug//"'\\''"/"'"}
    if [[ -n $__tm_user_debug ]]; then
        trap '__tm_preexec "$_"; eval "$__tm_user_debug"' DEBUG
    else
        trap '__tm_preexec "$_"' DEBUG
    fi
fi
