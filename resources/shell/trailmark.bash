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
    __tm_gen=0 __tm_records=0 __tm_n=0 __tm_id= __tm_t0= __tm_ready= __tm_hist=0 __tm_fd= __tm_tty= __tm_scratch_fd= __tm_scratch_wfd=
    __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}
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
        # The scratch file only grows by one history line per command; start it afresh.
        [[ -n $__tm_scratch_fd ]] && exec {__tm_scratch_fd}<&- {__tm_scratch_wfd}>&-
        { : >|"$__tm_scratch" && exec {__tm_scratch_wfd}>>"$__tm_scratch" {__tm_scratch_fd}<"$__tm_scratch"; } 2>/dev/null ||
            __tm_scratch_fd=
        builtin ${um:-umask 022}
        __tm_file=$file
    }

    # Sets __tm_e to $1 with backslash, newline, tab and CR escaped; every other byte is
    # kept as is. Called only for text that has one of them; LC_ALL=C makes the
    # substitution work on bytes in any locale.
    __tm_escape() {
        local LC_ALL=C
        __tm_e=${1//"$__tm_bs"/"$__tm_bs2"}
        __tm_e=${__tm_e//"$__tm_nl"/"$__tm_nle"}
        __tm_e=${__tm_e//"$__tm_tab"/"$__tm_tabe"}
        __tm_e=${__tm_e//"$__tm_cr"/"$__tm_cre"}
    }

    # Appends one record. Bash copies a function's body on every call, so the hooks
    # call as few (and as small) functions as they can: this one is only for notes and
    # the rare paths; the hooks below append inline.
    __tm_write() {
        [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
        [[ -n $__tm_fd ]] && builtin printf '%s\n' "$1" >&"$__tm_fd"
        ((++__tm_records >= __tm_rotate)) && __tm_open
        return 0
    }

    # DEBUG trap: the first simple command after a prompt starts a command line. The
    # trap tests __tm_ready itself, so the other simple commands cost no function call.
    # Bash restores $? and PIPESTATUS after the trap; $_ comes back because it is the
    # last argument of the trap's own command.
    __tm_preexec() {
        [[ $BASH_COMMAND != __tm_precmd* ]] || return 0
        # The line as history saw it ("  123  text\n"). Appended to the scratch file and
        # read back through a descriptor that follows the end: no fork, and no
        # truncation (which costs milliseconds on ext4).
        local line= text number HISTTIMEFORMAT=
        [[ -n $__tm_scratch_fd ]] || { __tm_open; [[ -n $__tm_scratch_fd ]] || return 0; }
        builtin history 1 >&"$__tm_scratch_wfd"
        IFS= read -r -d '' -u "$__tm_scratch_fd" line
        [[ -n $line ]] || return 0 # empty history
        # Bash prints "%5d%c %s\n": the number right-aligned in 5 columns (wider past
        # 99999), a flag, a space, the line. Patterns on the whole line would be slow.
        number=${line:0:5}
        if [[ ${line:5:2} == [\ *]\  ]]; then
            text=${line:7}
        else
            local head=${line:0:24} digits
            digits=${head#"${head%%[! ]*}"}
            number=${digits%%[!0-9]*}
            text=${line:$((${#head} - ${#digits} + ${#number} + 2))}
        fi
        text=${text%"$__tm_nl"}
        if ((number == __tm_hist)); then
            # Nothing new in history: a later entry of PROMPT_COMMAND (the user's own),
            # a leading space under ignorespace (the user's opt-out), or a repeat under
            # ignoredups (the same text as the last entry, which is recorded).
            [[ -n $text && $text == "$BASH_COMMAND"* ]] || return 0
        fi
        # A command line starts here; the next DEBUG traps until the prompt are its own.
        __tm_ready=
        __tm_hist=$number
        [[ $text == [[:space:]]* || $text == 'tm note'* ]] && return 0
        __tm_id=$__tm_sid-$((++__tm_n))
        __tm_t0=$EPOCHREALTIME
        local cwd=$PWD
        if [[ $cwd == *[$'\\\n\t\r']* ]]; then
            __tm_escape "$cwd"
            cwd=$__tm_e
        fi
        if [[ $text == *[$'\\\n\t\r']* ]]; then
            __tm_escape "$text"
            text=$__tm_e
        fi
        [[ -n $__tm_fd && -e $__tm_file ]] || __tm_open
        [[ -n $__tm_fd ]] && builtin printf 'S\t%s\t%s\t%s\t%s\n' "$__tm_id" "$__tm_t0" "$cwd" "$text" >&"$__tm_fd"
        ((++__tm_records >= __tm_rotate)) && __tm_open
        [[ -n $__tm_tty ]] && builtin printf '\e]133;B\a\e]133;C;%s\a' "$__tm_id" >&"$__tm_tty"
        return 0
    }

    # First entry of PROMPT_COMMAND: ends the command line that just ran, marks the prompt.
    __tm_precmd() {
        local status=$? pipe="${PIPESTATUS[*]}"
        if [[ -n $__tm_id ]]; then
            local t1=$EPOCHREALTIME
            # No existence check here: preexec made one a moment ago.
            [[ -n $__tm_fd ]] && builtin printf 'E\t%s\t%s\t%s\t%s\t%s\n' "$__tm_id" "$t1" "$status" "$pipe" \
                "$((${t1//[.,]/} - ${__tm_t0//[.,]/}))" >&"$__tm_fd"
            ((++__tm_records >= __tm_rotate)) && __tm_open
            [[ -n $__tm_tty ]] && builtin printf '\e]133;D;%s;%s\a' "$status" "$__tm_id" >&"$__tm_tty"
            __tm_id=
        fi
        [[ -n $__tm_tty ]] && builtin printf '\e]133;A\a' >&"$__tm_tty"
        # The newest history entry now; the next command line is the first one past it.
        __tm_hist=$((HISTCMD - 1))
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

    # The scratch file holds the history lines read back by the hook; create it private.
    # These subshells are the only forks, once at shell start.
    [[ -d $__tm_dir ]] || (umask 077 && mkdir -p -- "$__tm_dir") 2>/dev/null
    (umask 077 && : >>"$__tm_scratch") 2>/dev/null
    __tm_open
    [[ -n ${TRAILMARK_PTY-} ]] && { exec {__tm_tty}>/dev/tty; } 2>/dev/null

    # Keep the user's PROMPT_COMMAND (string or bash 5.1 array); ours runs first so it
    # sees the command's $? and PIPESTATUS, and returns that $? to the rest.
    if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=(__tm_precmd "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND=__tm_precmd${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
    fi
    # Keep a DEBUG trap the user already had: it runs after ours.
    __tm_user_debug=$(trap -p DEBUG)
    __tm_user_debug=${__tm_user_debug#"trap -- '"}
    __tm_user_debug=${__tm_user_debug%"' DEBUG"}
    __tm_user_debug=${__tm_user_debug//"'\\''"/"'"}
    if [[ -n $__tm_user_debug ]]; then
        trap '[[ -z $__tm_ready ]] || __tm_preexec "$_"; eval "$__tm_user_debug"' DEBUG
    else
        trap '[[ -z $__tm_ready ]] || __tm_preexec "$_"' DEBUG
    fi
fi
