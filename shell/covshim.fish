# covshim shell integration for fish. Load with: covshim hook fish | source
# The per-prompt work uses builtins only: no process is started at a prompt.
set -g __covshim_node 'node'
set -g __covshim_cli 'covshim'
set -g __covshim_file "$HOME/.local/state/covshim/shell.env"
set -g __covshim_warned_hand ''
set -g __covshim_cache '(none)'
set -g __covshim_rc ''
set -g __covshim_prompt ''
set -g __covshim_every 1800
set -g __covshim_due -1
set -g __covshim_start 0

function __covshim_say
    set -q COVSHIM_QUIET; and test -n "$COVSHIM_QUIET"; and return 0
    if not set -q NO_COLOR; and isatty stderr
        printf '\e[33mcovshim:\e[0m %s\n' $argv[1] >&2
    else
        printf 'covshim: %s\n' $argv[1] >&2
    end
    return 0
end

# Parses the state file when it changed. fish has no clock builtin:
# "now" comes from the file's own mtime and age (path mtime, a builtin),
# and later prompts count with /proc/uptime, read with `read`.
function __covshim_parse
    set -l lines (string split \n -- $argv[1])
    set -g __covshim_rc ''
    set -g __covshim_prompt ''
    set -g __covshim_due -1
    test (count $lines) -ge 6; and test "$lines[1]" = 'covshim-shell 1'; or return 0
    set -g __covshim_rc $lines[2]
    set -g __covshim_prompt $lines[3]
    set -l since $lines[4]
    set -l after $lines[5]
    string match -qr '^[0-9]+$' -- $since $after $lines[6]; or return 0
    set -g __covshim_every $lines[6]
    test -n "$__covshim_rc"; and test $since -gt 0; or return 0
    test -r /proc/uptime; or return 0
    set -l mtime (path mtime $__covshim_file)
    set -l age (path mtime --relative $__covshim_file)
    read -d . -l up __covshim_rest </proc/uptime
    set -g __covshim_start (math $up - \( $mtime + $age - $since \))
    set -g __covshim_due (math $__covshim_start + $after)
end

# The left-on warning, at most once per warnEvery.
function __covshim_clock
    set -l up $argv[1]
    if test -z "$up"
        read -d . -l now __covshim_rest </proc/uptime
        set up $now
    end
    if test $up -ge $__covshim_due
        set -g __covshim_due (math $up + $__covshim_every)
        __covshim_say "measurement has been on for "(math --scale=0 \( $up - $__covshim_start \) / 60)" min ($__covshim_prompt); 'covshim off' turns it off"
    end
end

function __covshim_sync --on-event fish_prompt
    set -l __cs_status $status
    # Only a state file of the user's own counts.
    test -r $__covshim_file -a -O $__covshim_file; and read -z -l data <$__covshim_file
    # Nothing changed since the last prompt (the usual case): only the clock.
    if test "$data" = "$__covshim_cache" -a "$COVERAGE_PROCESS_START" = "$__covshim_rc" -a "$COVSHIM_PROMPT" = "$__covshim_prompt"
        if test $__covshim_due -ge 0
            read -d . -l up __covshim_rest </proc/uptime
            test $up -ge $__covshim_due; and __covshim_clock $up
        end
        return $__cs_status
    end
    test "$data" = "$__covshim_cache"; or begin
        set -g __covshim_cache $data
        __covshim_parse $data
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
        test $__covshim_due -ge 0; and __covshim_clock
    else
        if set -q __COVSHIM_SET; and test "$COVERAGE_PROCESS_START" = "$__COVSHIM_SET"
            set -e COVERAGE_PROCESS_START
        else if set -q COVERAGE_PROCESS_START; and test "$__covshim_warned_hand" != "$COVERAGE_PROCESS_START"
            set -g __covshim_warned_hand $COVERAGE_PROCESS_START
            __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
        end
        set -q __COVSHIM_SET; and set -e __COVSHIM_SET
        set -q COVSHIM_PROMPT; and set -e COVSHIM_PROMPT
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
# Opt-in prompt change: COVSHIM_PS1=1, or the config key `ps1` (a line of the state file).
if test "$COVSHIM_PS1" = 1; or string match -q -- "*ps1=1*" $__covshim_cache
    and not functions -q __covshim_orig_prompt; and functions -q fish_prompt
    functions -c fish_prompt __covshim_orig_prompt
    function fish_prompt
        set -l s $status
        test -n "$COVSHIM_PROMPT"; and printf '(%s) ' $COVSHIM_PROMPT
        __covshim_orig_prompt $s
    end
end

set -q COVSHIM_PROMPT; and test -n "$COVSHIM_PROMPT"; and __covshim_say "measurement is on in this shell ($COVSHIM_PROMPT); 'covshim off' turns it off"
set -l __covshim_lines (string split \n -- $__covshim_cache)
if test (count $__covshim_lines) -ge 8; and test -n "$__covshim_lines[7]"; and string match -qr '^[0-9]+$' -- $__covshim_lines[8]
    # now = the state file's mtime + its age: both from the `path` builtin.
    set -l __covshim_now (math (path mtime $__covshim_file) + (path mtime --relative $__covshim_file))
    if test $__covshim_lines[8] -gt 0 -a $__covshim_now -ge $__covshim_lines[8]
        __covshim_say "install scope of $__covshim_lines[7] has expired: nothing is measured; 'covshim off' removes the shim"
    else
        __covshim_say "install scope: every process of $__covshim_lines[7] is measured until it expires or 'covshim off'"
    end
end
