# covshim shell integration for fish. Load with: covshim hook fish | source
# The per-prompt work uses builtins only: no process is started at a prompt.
set -g __covshim_node 'node'
set -g __covshim_cli 'covshim'
set -g __covshim_file "$HOME/.local/state/covshim/shell.env"
set -g __covshim_warned_hand ''
set -g __covshim_cache '(none)'
set -g __covshim_due -1
set -g __covshim_up0 0
set -g __covshim_rc ''
set -g __covshim_prompt ''
set -g __covshim_mark ''
set -g __covshim_clock uptime

function __covshim_say
    set -q COVSHIM_QUIET; and test -n "$COVSHIM_QUIET"; and return 0
    if not set -q NO_COLOR; and isatty stderr
        printf '\e[33mcovshim:\e[0m %s\n' $argv[1] >&2
    else
        printf 'covshim: %s\n' $argv[1] >&2
    end
    return 0
end

# Parses the shells' file (docs/shells.md: a version line, then key=value
# lines) into globals, when its text changed since the last prompt.
function __covshim_read
    set -l lines (string split \n -- $argv[1])
    for k in rc prompt warn_msg on_msg scope_msg expired_msg
        set -g __covshim_$k ''
    end
    for k in ps1 since warn_at scope_until
        set -g __covshim_$k 0
    end
    set -g __covshim_warn_every 1800
    test "$lines[1]" = 'covshim-shell 2'; or return 0
    for line in $lines[2..-1]
        set -l kv (string split -m1 = -- $line)
        contains -- $kv[1] rc prompt ps1 since warn_at warn_every warn_msg on_msg scope_until scope_msg expired_msg
        and set -g __covshim_$kv[1] $kv[2]
    end
    # Numbers only: test and math would choke on anything else.
    for k in since warn_at warn_every scope_until
        set -l n __covshim_$k
        string match -qr '^[0-9]+$' -- $$n; or set -g $n 0
    end
end

# fish has no clock builtin: "now" is the shells' file's mtime plus its age,
# both from the `path` builtin. At a prompt the cheaper clock is the system's
# uptime, read from /proc with `read`: the warning's due time is kept in it.
# Without /proc (macOS) the prompt uses the file's clock.
function __covshim_now
    math (path mtime $__covshim_file) + (path mtime --relative $__covshim_file)
end

function __covshim_uptime
    read -d . -l up __covshim_rest </proc/uptime; and echo $up
end

function __covshim_sync --on-event fish_prompt
    set -l __cs_status $status
    test -r $__covshim_file -a -O $__covshim_file; and read -z -l data <$__covshim_file
    test "$data" = "$__covshim_cache"; or begin
        set -g __covshim_cache $data
        __covshim_read $data
        # The left-on warning's due time, on the uptime clock (-1: none).
        set -g __covshim_due -1
        if test $__covshim_warn_at -gt 0
            set -l now (__covshim_now)
            if test -r /proc/uptime
                set -g __covshim_clock uptime
                set -l up (__covshim_uptime)
                set -g __covshim_due (math $up + $__covshim_warn_at - $now)
                set -g __covshim_up0 (math $up - $now)
            else
                set -g __covshim_clock file
                set -g __covshim_due $__covshim_warn_at
                set -g __covshim_up0 0
            end
        end
    end
    if test -n "$__covshim_rc"
        if test "$COVERAGE_PROCESS_START" != "$__covshim_rc"
            if set -q COVERAGE_PROCESS_START; and test "$COVERAGE_PROCESS_START" != "$__COVSHIM_SET"
                if test "$__covshim_warned_hand" != "$COVERAGE_PROCESS_START"
                    set -g __covshim_warned_hand $COVERAGE_PROCESS_START
                    __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
                end
            else
                set -gx COVERAGE_PROCESS_START $__covshim_rc
                set -gx __COVSHIM_SET $__covshim_rc
            end
        end
        test "$COVSHIM_PROMPT" = "$__covshim_prompt"; or set -gx COVSHIM_PROMPT $__covshim_prompt
        # The marker shows while on, unless COVSHIM_PS1=0 or the config's ps1: false.
        set -l want $__covshim_ps1
        set -q COVSHIM_PS1; and set want $COVSHIM_PS1
        if test "$want" = 1
            set -g __covshim_mark $__covshim_prompt
        else
            set -g __covshim_mark ''
        end
        if test $__covshim_due -ge 0
            set -l up 0
            set -l rest
            if test $__covshim_clock = uptime
                read -d . up rest </proc/uptime
            else
                set up (__covshim_now)
            end
            if test $up -ge $__covshim_due
                set -g __covshim_due (math $up + $__covshim_warn_every)
                __covshim_say (printf $__covshim_warn_msg (math --scale=0 \( $up - $__covshim_up0 - $__covshim_since \) / 60))
            end
        end
    else
        if set -q __COVSHIM_SET; and test "$COVERAGE_PROCESS_START" = "$__COVSHIM_SET"
            set -e COVERAGE_PROCESS_START
        else if set -q COVERAGE_PROCESS_START; and test "$__covshim_warned_hand" != "$COVERAGE_PROCESS_START"
            set -g __covshim_warned_hand $COVERAGE_PROCESS_START
            __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
        end
        set -q __COVSHIM_SET; and set -e __COVSHIM_SET
        set -q COVSHIM_PROMPT; and set -e COVSHIM_PROMPT
        set -g __covshim_mark ''
    end
    return $__cs_status
end

# Runs the CLI, then syncs at once: `covshim off; and make test` sees the change.
function covshim
    set -lx __COVSHIM_HOOKED 1
    $__covshim_node $__covshim_cli $argv
    set -l __cs_rc $status
    __covshim_sync
    return $__cs_rc
end

__covshim_sync
# The prompt marker's place, unless COVSHIM_PS1=0; starship (or another
# framework that owns the prompt) gets COVSHIM_PROMPT instead. Also before
# covshim has ever written its file: whether the marker shows is decided at
# each prompt (__covshim_mark), with the config's ps1 from the file.
if test "$COVSHIM_PS1" != 0; and not set -q STARSHIP_SHELL; and not functions -q __covshim_orig_prompt; and functions -q fish_prompt
    functions -c fish_prompt __covshim_orig_prompt
    # The original prompt runs first, so it sees the real $status and
    # $pipestatus; its output is printed after the marker.
    function fish_prompt
        set -l out (__covshim_orig_prompt | string collect -N)
        test -n "$__covshim_mark"; and printf '(%s) ' $__covshim_mark
        printf '%s' $out
    end
end

set -q COVSHIM_PROMPT; and test -n "$COVSHIM_PROMPT"; and __covshim_say $__covshim_on_msg
if test $__covshim_scope_until -gt 0
    if test (__covshim_now) -ge $__covshim_scope_until
        __covshim_say $__covshim_expired_msg
    else
        __covshim_say $__covshim_scope_msg
    end
end
