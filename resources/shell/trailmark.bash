# Trailmark shell integration for bash >= 5.0. Load it with:  eval "$(trailmark init bash)"
#
# Records every command line (as bash's history saw it), its cwd, exit status, PIPESTATUS
# and duration into a private spool file that Trailmark ingests later. On the command
# path nothing forks or execs: only built-ins writing to a file descriptor opened once.
# A command line that starts with a space is not recorded at all (as HISTCONTROL's
# ignorespace). `tm note TEXT` records a note. The spool line format is documented in
# capture/shell/SpoolRecord.h.
#
# Two implementations of the same hook. Trailmark's loadable builtin (`enable -f`, built
# from capture/shell/loadable/BashBuiltin.c) does the work of each side of a command
# in one call and costs about a quarter of the shell functions below; those are used
# where the builtin cannot load (another bash version, TRAILMARK_BASH_LOADABLE=0).
if [[ $- == *i* && -z ${__tm_sid-} && ${BASH_VERSINFO[0]} -ge 5 ]]; then
    __tm_dir=${TRAILMARK_SPOOL_DIR:-'@TRAILMARK_SPOOL_DIR@'}
    __tm_sid=bash-$$-${EPOCHREALTIME//[.,]/}
    __tm_gen=0 __tm_next=0 __tm_n=0 __tm_t0= __tm_ready= __tm_h=0 __tm_l= __tm_s=0 __tm_p= __tm_fd= __tm_tty=
    __tm_scratch_fd= __tm_scratch_wfd= __tm_debug=
    __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}
    __tm_scratch=$__tm_dir/$__tm_sid.scratch

    # Opens the next spool file of this shell. Runs at start, when a file holds
    # TRAILMARK_SPOOL_ROTATE records (two per command; so the ingester can delete finished
    # files), and when the file vanished. $1: the number of the first command it will
    # hold (default: the next one); __tm_next is the first one it will not.
    # umask 077 is set around the open and the user's umask restored, read back through
    # the scratch file because $(umask) would fork.
    __tm_open() {
        ((++__tm_gen, __tm_next = ${1:-__tm_n + 1} + (__tm_rotate > 1 ? __tm_rotate / 2 : 1)))
        local file=$__tm_dir/$__tm_sid.$__tm_gen.spool um=
        # Only when the directory vanished (or at first use without `trailmark init`).
        if [[ ! -d $__tm_dir ]] && ! (umask 077 && mkdir -p -- "$__tm_dir") 2>/dev/null; then
            # Nowhere to write: /dev/null until the directory can be made again.
            [[ -n $__tm_fd ]] && exec {__tm_fd}>&-
            [[ -n $__tm_scratch_fd ]] && exec {__tm_scratch_fd}<&- {__tm_scratch_wfd}>&-
            exec {__tm_fd}>/dev/null {__tm_scratch_wfd}>/dev/null {__tm_scratch_fd}</dev/null
            __tm_file=$file
            return 0
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
        # Without a file the hooks write to /dev/null rather than test on every command.
        [[ -n $__tm_fd ]] || exec {__tm_fd}>/dev/null
        [[ -n $__tm_scratch_fd ]] || exec {__tm_scratch_wfd}>/dev/null {__tm_scratch_fd}</dev/null
        return 0
    }

    # Cost matters here: bash spends about 5-15K instructions on every simple command and
    # copies a function's whole body on each call, and these run for every command line.
    # So the hooks run few statements, never touch the command text with patterns that
    # rewrite it (records are raw bytes ended by NUL, see capture/shell/SpoolRecord.h),
    # leave stripping the `fc -l` line to the ingester, and keep the rare paths in
    # functions of their own.
    #
    # DEBUG trap, first simple command after a prompt (the trap tests __tm_ready itself,
    # so the other simple commands cost no call). The line as history saw it comes from
    # `fc -l -0` ("<number>\t <text>\n"), appended to the scratch file and read back
    # through a descriptor that follows its end: no fork. A new history entry has the
    # number HISTCMD had at the prompt (__tm_h). Bash restores $? and PIPESTATUS after
    # the trap; $_ comes back because it is the last argument of the trap's own command.
    __tm_preexec() {
        builtin fc -l -0 2>&- >&$__tm_scratch_wfd
        IFS= read -r -d '' -u $__tm_scratch_fd __tm_l
        if [[ $__tm_l == "$__tm_h"$'\t '[!$' \t\n']* && $__tm_l != "$__tm_h"$'\t tm note'* ]]; then
            __tm_ready= __tm_t0=$EPOCHREALTIME __tm_n=$((__tm_n + 1))
            [[ -e $__tm_file && __tm_n -lt __tm_next ]] || __tm_open $__tm_n
            builtin printf "Sf\t$__tm_n\t$__tm_t0\t%s\0%s\0\n" "$PWD" "$__tm_l" >&$__tm_fd
        else
            __tm_unusual
        fi
    }

    # Not a new history entry, or one not to record. HISTCMD tells a PROMPT_COMMAND
    # entry after ours or an empty line (HISTCMD is still __tm_h: wait for the next
    # command) from a line history did not take (one less: a leading space under
    # ignorespace, the user's opt-out, or a repeat under ignoredups, which ran and is
    # recorded: the text of the last entry, which it repeats).
    __tm_unusual() {
        ((HISTCMD == __tm_h)) && [[ $__tm_l != "$__tm_h"$'\t'* ]] && return 0
        __tm_ready=
        local text=${__tm_l#*$'\t'?}
        [[ -n $__tm_l && $text != [[:space:]]* && $text != 'tm note'* ]] || return 0
        ((HISTCMD == __tm_h)) || [[ $text == "$BASH_COMMAND"* ]] || return 0
        __tm_t0=$EPOCHREALTIME __tm_n=$((__tm_n + 1))
        [[ -e $__tm_file && __tm_n -lt __tm_next ]] || __tm_open $__tm_n
        builtin printf "S0\t$__tm_n\t$__tm_t0\t%s\0%s\0\n" "$PWD" "${text%$'\n'}" >&$__tm_fd
    }

    # First entry of PROMPT_COMMAND: ends the command line that just ran. $? and
    # PIPESTATUS are taken in its first statement and $? is handed on to the rest.
    __tm_precmd() {
        __tm_s=$? __tm_p=${PIPESTATUS[*]}
        # echo of one word costs half of printf; the gaps in it are TABs.
        [[ -z $__tm_t0 ]] || builtin echo "E0	$__tm_n	$EPOCHREALTIME	$__tm_s	$__tm_p	$__tm_t0" >&$__tm_fd
        # The number the next history entry gets: the next command line is the one that has it.
        __tm_t0= __tm_h=$HISTCMD __tm_ready=1
        return $__tm_s
    }

    tm() {
        if [[ ${1-} == note && $# -gt 1 ]]; then
            shift
            [[ -e $__tm_file ]] || __tm_open
            builtin printf 'N0\t%s\t%s\0\n' "$EPOCHREALTIME" "$*" >&$__tm_fd
            return 0
        else
            builtin printf 'usage: tm note TEXT\n' >&2
            return 2
        fi
    }

    __tm_prompt=__tm_precmd __tm_trap=__tm_preexec
    if [[ ${TRAILMARK_BASH_LOADABLE-1} != 0 ]] && builtin enable -f '@TRAILMARK_BASH_LOADABLE@' __tm_hook 2>/dev/null &&
        __tm_hook init "$__tm_dir" "$__tm_sid" "$__tm_rotate" ${TRAILMARK_PTY:+marks}; then
        # The builtin keeps its own state: ready, counters, the spool descriptor. It
        # writes `trailmark shell`'s OSC 133 marks itself.
        tm() {
            if [[ ${1-} == note && $# -gt 1 ]]; then
                shift
                __tm_hook note "$*"
            else
                builtin printf 'usage: tm note TEXT\n' >&2
                return 2
            fi
        }
        __tm_prompt='__tm_hook end' __tm_debug='__tm_hook start "$_"'
    else
        # The scratch file holds the history lines read back by the hook; create it
        # private. These subshells are the only forks, once at shell start.
        [[ -d $__tm_dir ]] || (umask 077 && mkdir -p -- "$__tm_dir") 2>/dev/null
        (umask 077 && : >>"$__tm_scratch") 2>/dev/null
        __tm_open
    fi
    if [[ -z ${__tm_debug-} && -n ${TRAILMARK_PTY-} ]] && { exec {__tm_tty}>/dev/tty; } 2>/dev/null; then
        # `trailmark shell`: OSC 133 marks around each command for its output capture.
        # Wrappers, so that plain terminals pay nothing for them.
        __tm_marked=0 __tm_ended=0
        __tm_preexec_marks() {
            __tm_preexec
            [[ -n $__tm_t0 && $__tm_n != "$__tm_marked" ]] || return 0
            __tm_marked=$__tm_n
            builtin printf '\e]133;B\a\e]133;C;%s\a' "$__tm_sid-$__tm_n" >&$__tm_tty
        }
        __tm_precmd_marks() {
            __tm_precmd
            if [[ $__tm_n != "$__tm_ended" ]]; then
                __tm_ended=$__tm_n
                builtin printf '\e]133;D;%s;%s\a' $__tm_s "$__tm_sid-$__tm_n" >&$__tm_tty
            fi
            builtin printf '\e]133;A\a' >&$__tm_tty
            return $__tm_s
        }
        __tm_prompt=__tm_precmd_marks __tm_trap=__tm_preexec_marks
    fi

    # Keep the user's PROMPT_COMMAND (string or bash 5.1 array); ours runs first so it
    # sees the command's $? and PIPESTATUS, and returns that $? to the rest. (-v first:
    # under `set -u` an unset PROMPT_COMMAND is an error.)
    if [[ -v PROMPT_COMMAND && ${PROMPT_COMMAND@a} == *a* ]]; then
        PROMPT_COMMAND=("$__tm_prompt" "${PROMPT_COMMAND[@]}")
    else
        PROMPT_COMMAND=$__tm_prompt${PROMPT_COMMAND:+$'\n'$PROMPT_COMMAND}
    fi
    # Keep a DEBUG trap the user already had: it runs after ours.
    __tm_user_debug=$(trap -p DEBUG)
    __tm_user_debug=${__tm_user_debug#"trap -- '"}
    __tm_user_debug=${__tm_user_debug%"' DEBUG"}
    __tm_user_debug=${__tm_user_debug//"'\\''"/"'"}
    __tm_debug=${__tm_debug:-'[[ -z $__tm_ready ]] || '$__tm_trap' "$_"'}
    if [[ -n $__tm_user_debug ]]; then
        trap "$__tm_debug"'; eval "$__tm_user_debug"' DEBUG
    else
        trap "$__tm_debug" DEBUG
    fi
fi
