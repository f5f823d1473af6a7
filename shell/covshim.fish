# covshim shell integration for fish. Load with: covshim hook fish | source
# The per-prompt work uses builtins only: no process is started at a prompt.
set -g __covshim_node 'node'
set -g __covshim_cli 'covshim'
set -g __covshim_file "$HOME/.local/state/covshim/shell.env"
set -g __covshim_warned_at -1
set -g __covshim_warned_hand ''

function __covshim_say
    set -q COVSHIM_QUIET; and test -n "$COVSHIM_QUIET"; and return 0
    if not set -q NO_COLOR; and isatty stderr
        printf '\e[33mcovshim:\e[0m %s\n' $argv[1] >&2
    else
        printf 'covshim: %s\n' $argv[1] >&2
    end
    return 0
end

# Reads the state covshim keeps for the shells and brings the variables in
# step. fish has no clock builtin: the age of the state file, written when
# measurement was turned on, is how long it has been on.
function __covshim_sync --on-event fish_prompt
    set -l __cs_status $status
    set -l lines
    if test -r $__covshim_file
        while read -l line
            set -a lines $line
        end <$__covshim_file
    end
    set -l rc ''
    set -l prompt ''
    set -l after 3600
    set -l every 1800
    if test (count $lines) -ge 6; and test "$lines[1]" = 'covshim-shell 1'
        set rc $lines[2]
        set prompt $lines[3]
        set after $lines[5]
        set every $lines[6]
    end
    if test -n "$rc"
        if set -q COVERAGE_PROCESS_START; and test "$COVERAGE_PROCESS_START" != "$__COVSHIM_SET"
            if test "$__covshim_warned_hand" != "$COVERAGE_PROCESS_START"
                set -g __covshim_warned_hand $COVERAGE_PROCESS_START
                __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
            end
        else if test "$COVERAGE_PROCESS_START" != "$rc"
            set -gx COVERAGE_PROCESS_START $rc
            set -gx __COVSHIM_SET $rc
        end
        set -gx COVSHIM_PROMPT $prompt
        set -l age (path mtime --relative $__covshim_file 2>/dev/null)
        if test -n "$age"; and test $age -ge $after
            if test $__covshim_warned_at -lt 0; or test (math $age - $__covshim_warned_at) -ge $every
                set -g __covshim_warned_at $age
                __covshim_say "measurement has been on for "(math --scale=0 $age / 60)" min ($prompt); 'covshim off' turns it off"
            end
        end
    else
        if set -q __COVSHIM_SET; and set -q COVERAGE_PROCESS_START; and test "$COVERAGE_PROCESS_START" = "$__COVSHIM_SET"
            set -e COVERAGE_PROCESS_START
        else if set -q COVERAGE_PROCESS_START; and test "$__covshim_warned_hand" != "$COVERAGE_PROCESS_START"
            set -g __covshim_warned_hand $COVERAGE_PROCESS_START
            __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
        end
        set -e __COVSHIM_SET
        set -e COVSHIM_PROMPT
        set -g __covshim_warned_at -1
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

if test "$COVSHIM_PS1" = 1; and not functions -q __covshim_orig_prompt; and functions -q fish_prompt
    functions -c fish_prompt __covshim_orig_prompt
    function fish_prompt
        set -l s $status
        test -n "$COVSHIM_PROMPT"; and printf '(%s) ' $COVSHIM_PROMPT
        __covshim_orig_prompt $s
    end
end

__covshim_sync
set -q COVSHIM_PROMPT; and test -n "$COVSHIM_PROMPT"; and __covshim_say "measurement is on in this shell ($COVSHIM_PROMPT); 'covshim off' turns it off"
if test -r $__covshim_file
    set -l __covshim_lines
    while read -l line
        set -a __covshim_lines $line
    end <$__covshim_file
    if test (count $__covshim_lines) -ge 7; and test -n "$__covshim_lines[7]"
        __covshim_say "install scope: $__covshim_lines[7]"
    end
end
