# Trailmark shell integration for zsh >= 5.1. Load it with:  eval "$(trailmark init zsh)"
#
# Records every command line exactly as typed, its cwd, exit status, pipestatus and
# duration into a private spool file that Trailmark ingests later. On the command path
# nothing forks or execs: preexec/precmd hooks write with built-ins to a file descriptor
# opened once (zsh/system's sysopen creates it 0600). A command line that starts with a
# space is not recorded at all. `tm note TEXT` records a note. The spool line format is
# documented in capture/shell/SpoolRecord.h.
#
# Two implementations of the same hook. Trailmark's zsh module (`zmodload`, built from
# capture/shell/loadable/ZshModule.c) makes each hook function one builtin call; the
# shell functions below do the work in zsh itself, at several times the cost, and are
# used where the module cannot load (another zsh version, TRAILMARK_ZSH_MODULE=0).
if [[ -o interactive && -z ${__tm_sid-} ]] && zmodload zsh/datetime zsh/system 2>/dev/null; then
    typeset -g __tm_dir=${TRAILMARK_SPOOL_DIR:-'@TRAILMARK_SPOOL_DIR@'}
    typeset -gi __tm_us
    (( __tm_us = EPOCHREALTIME * 1000000 ))
    typeset -g __tm_sid=zsh-$$-$__tm_us
    typeset -g __tm_gen=0 __tm_next=0 __tm_n=0 __tm_t0= __tm_fd= __tm_tty= __tm_file= __tm_s=0 __tm_p=
    typeset -g __tm_rotate=${TRAILMARK_SPOOL_ROTATE:-1000}

    # Opens the next spool file of this shell: at start, when a file holds
    # TRAILMARK_SPOOL_ROTATE records (two per command; so the ingester can delete finished
    # files), and when the file vanished. $1: the number of the first command it will hold
    # (default: the next one); __tm_next is the first one it will not. Without a file the
    # hooks write to /dev/null.
    __tm_open() {
        (( ++__tm_gen, __tm_next = ${1:-__tm_n + 1} + (__tm_rotate > 1 ? __tm_rotate / 2 : 1) ))
        local file=$__tm_dir/$__tm_sid.$__tm_gen.spool fd
        if [[ ! -d $__tm_dir ]]; then
            (umask 077 && mkdir -p -- $__tm_dir) 2>/dev/null
        fi
        [[ -n $__tm_fd ]] && exec {__tm_fd}>&-
        __tm_fd=
        sysopen -a -o creat -m 600 -u fd -- $file 2>/dev/null && __tm_fd=$fd
        [[ -n $__tm_fd ]] || { sysopen -w -u fd -- /dev/null && __tm_fd=$fd }
        __tm_file=$file
    }

    # The hooks run for every command, so every statement counts: records are raw
    # bytes with NUL-ended text fields (capture/shell/SpoolRecord.h), nothing is escaped,
    # and they are written with zsh/system's syswrite: one write(2), where `print >&fd`
    # costs ten system calls to save, redirect and restore stdout.
    # A NUL inside the line (zsh strings can hold one) would end its field early; the
    # ingester then reports the record as malformed instead of storing a wrong command.
    __tm_preexec() {
        [[ $1 != [[:space:]]* && $1 != 'tm note'* ]] || return 0
        __tm_t0=$EPOCHREALTIME __tm_n=$(( __tm_n + 1 ))
        [[ -e $__tm_file && __tm_n -lt __tm_next ]] || __tm_open $__tm_n
        syswrite -o $__tm_fd -- "S0"$'\t'$__tm_n$'\t'$__tm_t0$'\t'"$PWD"$'\0'"$1"$'\0\n'
    }

    # First of the precmd hooks, so that it sees the command's $? and pipestatus.
    __tm_precmd() {
        __tm_s=$? __tm_p="${pipestatus[*]}"
        [[ -z $__tm_t0 ]] || syswrite -o $__tm_fd -- "E0"$'\t'$__tm_n$'\t'$EPOCHREALTIME$'\t'$__tm_s$'\t'"$__tm_p"$'\t'$__tm_t0$'\n'
        __tm_t0=
        return $__tm_s
    }

    tm() {
        if [[ ${1-} == note && $# -gt 1 ]]; then
            shift
            [[ -e $__tm_file ]] || __tm_open
            syswrite -o $__tm_fd -- "N0"$'\t'$EPOCHREALTIME$'\t'"$*"$'\0\n'
            return 0
        else
            print -r -- 'usage: tm note TEXT' >&2
            return 2
        fi
    }

    autoload -Uz add-zsh-hook
    # Ours must be the first precmd hook (it sees the command's $? and pipestatus), so
    # precmd_functions is set directly; declared first for NO_UNSET.
    typeset -ga precmd_functions
    typeset -g __tm_modules='@TRAILMARK_ZSH_MODULE_DIR@'
    typeset -ga __tm_module_path
    __tm_module_path=($module_path)
    module_path=($__tm_modules $module_path)
    if [[ -n $__tm_modules && ${TRAILMARK_ZSH_MODULE-1} != 0 ]] && zmodload trailmark_zsh 2>/dev/null &&
        __tm_hook init $__tm_dir $__tm_sid $__tm_rotate ${TRAILMARK_PTY:+marks}; then
        module_path=($__tm_module_path)
        # The module keeps its own state (counter, start time, spool descriptor) and
        # writes `trailmark shell`'s OSC 133 marks itself. zsh scans every parameter at
        # the end of each function call, so the shell functions' variables go.
        unset __tm_dir __tm_us __tm_gen __tm_next __tm_n __tm_t0 __tm_fd __tm_tty __tm_file __tm_s __tm_p __tm_rotate
        __tm_preexec() { __tm_hook start "$1" }
        __tm_precmd() { __tm_hook end $? "${pipestatus[@]}" }
        tm() {
            if [[ ${1-} == note && $# -gt 1 ]]; then
                shift
                __tm_hook note "$*"
            else
                print -r -- 'usage: tm note TEXT' >&2
                return 2
            fi
        }
        add-zsh-hook preexec __tm_preexec
        precmd_functions=(__tm_precmd "${precmd_functions[@]:#__tm_precmd}")
    else
        module_path=($__tm_module_path)
        __tm_open
        add-zsh-hook preexec __tm_preexec
        precmd_functions=(__tm_precmd "${precmd_functions[@]:#__tm_precmd}")
        if [[ -n ${TRAILMARK_PTY-} ]] && { exec {__tm_tty}>/dev/tty } 2>/dev/null; then
            # `trailmark shell`: OSC 133 marks around each command for its output capture,
            # in hooks of their own so that plain terminals pay nothing for them.
            typeset -g __tm_marked=0 __tm_ended=0
            __tm_preexec_marks() {
                [[ -n $__tm_t0 && $__tm_n != $__tm_marked ]] || return 0
                __tm_marked=$__tm_n
                print -rn -- $'\e]133;B\a\e]133;C;'"$__tm_sid-$__tm_n"$'\a' >&$__tm_tty
            }
            __tm_precmd_marks() {
                if [[ $__tm_n != $__tm_ended ]]; then
                    __tm_ended=$__tm_n
                    print -rn -- $'\e]133;D;'"$__tm_s;$__tm_sid-$__tm_n"$'\a' >&$__tm_tty
                fi
                print -rn -- $'\e]133;A\a' >&$__tm_tty
                return $__tm_s
            }
            add-zsh-hook preexec __tm_preexec_marks
            precmd_functions=(__tm_precmd __tm_precmd_marks "${precmd_functions[@]:#__tm_precmd}")
        fi
    fi
    unset __tm_module_path __tm_modules
fi
