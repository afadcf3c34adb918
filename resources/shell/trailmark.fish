# Trailmark shell integration for fish >= 3.1. Load it with:  trailmark init fish | source
#
# Records every command line exactly as typed, its cwd, exit status, pipestatus and
# duration into a private spool file that Trailmark ingests later. On the command path
# nothing forks or execs: fish_preexec/fish_postexec handlers append with built-ins
# (fish keeps no descriptor open across commands, so each record is one append). Time
# comes from /proc/uptime plus the boot time, read with the `read` built-in. A command
# line that starts with a space is not recorded at all. `tm note TEXT` records a note.
# Text fields are percent-encoded (lines starting "S%", "E%", "N%"); the format is
# documented in capture/shell/SpoolRecord.h.
if status is-interactive; and not set -q __tm_sid; and test -r /proc/uptime
    set -g __tm_dir '@TRAILMARK_SPOOL_DIR@'
    set -q TRAILMARK_SPOOL_DIR; and set __tm_dir $TRAILMARK_SPOOL_DIR
    set -g __tm_btime 0
    while read -l key value
        if test "$key" = btime
            set __tm_btime $value
            break
        end
    end </proc/stat
    function __tm_now
        read -l up rest </proc/uptime
        math -s6 "$__tm_btime + $up"
    end
    set -g __tm_sid fish-$fish_pid-(math -s0 (__tm_now) '* 1000000')
    set -g __tm_gen 0
    set -g __tm_records 0
    set -g __tm_n 0
    set -g __tm_id ''
    set -g __tm_file ''
    set -g __tm_rotate 1000
    set -q TRAILMARK_SPOOL_ROTATE; and set __tm_rotate $TRAILMARK_SPOOL_ROTATE
    set -g __tm_tty ''
    set -q TRAILMARK_PTY; and set __tm_tty /dev/tty

    # Creates the next spool file of this shell (0600): at start, every
    # TRAILMARK_SPOOL_ROTATE records, and when the file vanished.
    function __tm_open
        set __tm_gen (math $__tm_gen + 1)
        set __tm_records 0
        set -l old_umask $umask
        umask 0077
        test -d $__tm_dir; or mkdir -p -- $__tm_dir 2>/dev/null
        set __tm_file $__tm_dir/$__tm_sid.$__tm_gen.spool
        true >>$__tm_file 2>/dev/null
        umask $old_umask
    end

    function __tm_write
        test -e $__tm_file; or __tm_open
        printf '%s\n' $argv[1] >>$__tm_file 2>/dev/null
        set __tm_records (math $__tm_records + 1)
        test $__tm_records -ge $__tm_rotate; and __tm_open
        return 0
    end

    function __tm_preexec --on-event fish_preexec
        set -l text $argv[1]
        string match -qr '^\s' -- "$text"; and return 0
        string match -q 'tm note*' -- "$text"; and return 0
        set __tm_n (math $__tm_n + 1)
        set __tm_id $__tm_sid-$__tm_n
        set -l cwd (string escape --style=url -- $PWD)
        set -l cmd (string escape --style=url -- "$text")
        __tm_write "S%"\t"$__tm_id"\t(__tm_now)\t"$cwd"\t"$cmd"
        test -n "$__tm_tty"; and printf '\e]133;B\a\e]133;C;%s\a' $__tm_id >$__tm_tty
        return 0
    end

    function __tm_postexec --on-event fish_postexec
        set -l exit_status $status
        set -l pipe $pipestatus
        if test -n "$__tm_id"
            __tm_write "E%"\t"$__tm_id"\t(__tm_now)\t"$exit_status"\t"$pipe"\t(math "$CMD_DURATION * 1000")
            test -n "$__tm_tty"; and printf '\e]133;D;%s;%s\a' $exit_status $__tm_id >$__tm_tty
            set __tm_id ''
        end
        return $exit_status
    end

    function __tm_prompt --on-event fish_prompt
        test -n "$__tm_tty"; and printf '\e]133;A\a' >$__tm_tty
        return 0
    end

    function tm
        if test (count $argv) -gt 1; and test "$argv[1]" = note
            __tm_write "N%"\t(__tm_now)\t(string escape --style=url -- "$argv[2..-1]")
        else
            echo 'usage: tm note TEXT' >&2
            return 2
        end
    end

    __tm_open
end
