# covshim shell integration for fish. Load with: covshim hook fish | source
# The per-prompt work uses builtins only: no process is started at a prompt.
#
# All of the hook's state is in one list and the marker (VS Code's newer
# terminal integration runs a process per shell variable at every prompt:
# docs/shells.md). __covshim's elements:
#   1 node   2 the CLI   3 the shells' file   4 the hand-set
#   COVERAGE_PROCESS_START warned about   5 the file's text at the last
#   prompt   6 when the left-on warning is due, on 8's clock (-1: never)
#   7 the uptime clock's epoch offset   8 the clock: uptime, or file (no
#   /proc)   9 '' until this shell has started up   10-21 the shells'
#   file's fields, in docs/shells.md's order: rc prompt ps1 since warn_at
#   warn_every warn_msg on_msg scope_until scope_msg expired_msg var
#   22 the variables as the last sync left them (its short way)
if set -q __covshim[9]; and test -n "$__covshim[9]"
    # Sourced again: the rest is this shell's and stays.
    set -g __covshim[1..3] @NODE@ @CLI@ @FILE@
else
    set -g __covshim @NODE@ @CLI@ @FILE@ '' '(none)' -1 0 uptime '' '' '' 0 0 0 1800 '' '' 0 '' '' COVERAGE_PROCESS_START
end
set -q __covshim_mark; or set -g __covshim_mark ''

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
# lines) into elements 10-21, when its text changed since the last prompt.
function __covshim_read
    set -l lines (string split \n -- $argv[1])
    set -g __covshim[10..21] '' '' 0 0 0 1800 '' '' 0 '' '' COVERAGE_PROCESS_START
    test "$lines[1]" = 'covshim-shell 2'; or return 0
    for line in $lines[2..-1]
        set -l kv (string split -m1 = -- $line)
        set -l i (contains -i -- $kv[1] rc prompt ps1 since warn_at warn_every warn_msg on_msg scope_until scope_msg expired_msg var)
        and set -g __covshim[(math $i + 9)] "$kv[2]"
    end
    # The variable to export: one of the two the shim answers to.
    test "$__covshim[21]" = COVSHIM_START; or set -g __covshim[21] COVERAGE_PROCESS_START
    # Numbers only: test and math would choke on anything else.
    for i in 13 14 15 18
        string match -qr '^[0-9]+$' -- "$__covshim[$i]"; or set -g __covshim[$i] 0
    end
end

# fish has no clock builtin: "now" is the shells' file's mtime plus its age,
# both from the `path` builtin. At a prompt the cheaper clock is the system's
# uptime, read from /proc with `read`: the warning's due time is kept in it.
# Without /proc (macOS) the prompt uses the file's clock.
function __covshim_now
    math (path mtime $__covshim[3]) + (path mtime --relative $__covshim[3])
end

function __covshim_uptime
    read -d . -l up rest </proc/uptime; and echo $up
end

function __covshim_sync --on-event fish_prompt
    set -l __cs_status $status
    test -r $__covshim[3] -a -O $__covshim[3]; and read -z -l data <$__covshim[3]
    # The short way, most prompts': the file's text as it was, the variables
    # a user may change as the last sync left them (a letter each, unquoted:
    # an unset one adds nothing, one set to '' its letter), and no message
    # of the clock's due: the left-on warning not yet (on), no marker
    # waiting for its install's end (off).
    set -l key a$COVERAGE_PROCESS_START b$COVSHIM_START d$COVSHIM_PROMPT e$COVSHIM_PS1
    if test "$data" = "$__covshim[5]"; and test "$key" = "$__covshim[22]"
        if test -n "$__covshim[10]"
            test $__covshim[6] -lt 0; and return $__cs_status
            if test $__covshim[8] = uptime
                read -d . -l up rest </proc/uptime
                test $up -lt $__covshim[6]; and return $__cs_status
            end
        else if not set -q COVSHIM_PROMPT
            return $__cs_status
        end
    end
    test "$data" = "$__covshim[5]"; or begin
        set -g __covshim[5] "$data"
        __covshim_read "$data"
        # The left-on warning's due time, on the uptime clock (-1: none).
        set -g __covshim[6] -1
        if test $__covshim[14] -gt 0
            set -l now (__covshim_now)
            if test -r /proc/uptime
                set -l up (__covshim_uptime)
                set -g __covshim[6..8] (math $up + $__covshim[14] - $now) (math $up - $now) uptime
            else
                set -g __covshim[6..8] $__covshim[14] 0 file
            end
        end
    end
    set -l show "$__covshim[11]"
    if test -n "$__covshim[10]"
        set -l name $__covshim[21]
        # The other variable, where covshim set it (for an install before this one).
        if set -q __COVSHIM_SET
            set -l other COVSHIM_START
            test $name = COVSHIM_START; and set other COVERAGE_PROCESS_START
            set -q $other; and test "$$other" = "$__COVSHIM_SET"; and set -e $other
        end
        if set -q COVERAGE_PROCESS_START; and test "$COVERAGE_PROCESS_START" != "$__COVSHIM_SET"
            if test "$__covshim[4]" != "$COVERAGE_PROCESS_START"
                set -g __covshim[4] "$COVERAGE_PROCESS_START"
                __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
            end
        else if test "$$name" != "$__covshim[10]"
            set -gx $name $__covshim[10]
            set -gx __COVSHIM_SET $__covshim[10]
        end
        if test $__covshim[6] -ge 0
            set -l up 0
            set -l rest
            if test $__covshim[8] = uptime
                read -d . up rest </proc/uptime
            else
                set up (__covshim_now)
            end
            if test $up -ge $__covshim[6]
                set -g __covshim[6] (math $up + $__covshim[15])
                set -g __covshim[9] said
                __covshim_say (printf $__covshim[16] (math --scale=0 \( $up - $__covshim[7] - $__covshim[13] \) / 60))
            end
        end
    else
        if set -q __COVSHIM_SET; and set -q COVSHIM_START; and test "$COVSHIM_START" = "$__COVSHIM_SET"
            set -e COVSHIM_START
        end
        if set -q __COVSHIM_SET; and test "$COVERAGE_PROCESS_START" = "$__COVSHIM_SET"
            set -e COVERAGE_PROCESS_START
        else if set -q COVERAGE_PROCESS_START; and test "$__covshim[4]" != "$COVERAGE_PROCESS_START"
            set -g __covshim[4] "$COVERAGE_PROCESS_START"
            __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
        end
        set -q __COVSHIM_SET; and set -e __COVSHIM_SET
        # Install scope: the prompt text holds until it expires, covshim running or not.
        if test -n "$show"; and test (__covshim_now) -ge $__covshim[18]
            set show ''
        end
    end
    if test -n "$show"
        test "$COVSHIM_PROMPT" = "$show"; or set -gx COVSHIM_PROMPT $show
        # The marker shows while on, unless COVSHIM_PS1=0 or the config's ps1: false.
        set -l want $__covshim[12]
        set -q COVSHIM_PS1; and set want $COVSHIM_PS1
        if test "$want" = 1
            set -g __covshim_mark $show
        else
            set -g __covshim_mark ''
        end
    else
        set -q COVSHIM_PROMPT; and set -e COVSHIM_PROMPT
        set -g __covshim_mark ''
    end
    set key a$COVERAGE_PROCESS_START b$COVSHIM_START d$COVSHIM_PROMPT e$COVSHIM_PS1
    set -g __covshim[22] "$key"
    return $__cs_status
end

# Runs the CLI, then syncs at once: `covshim off; and make test` sees the change.
function covshim
    set -lx __COVSHIM_HOOKED 1
    $__covshim[1] $__covshim[2] $argv
    set -l __cs_rc $status
    __covshim_sync
    return $__cs_rc
end

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

# At a shell's start, one message of what is on; none when this is sourced
# again (a left-on warning that is due is the sync's, within its interval).
if test -n "$__covshim[9]"
    __covshim_sync
else
    set -g __covshim[9] started
    __covshim_sync
    # The left-on warning, when it was due, was this shell's one message.
    if test "$__covshim[9]" = started
        if test -n "$__covshim[10]"
            __covshim_say $__covshim[17]
        else if test $__covshim[18] -gt 0
            if test (__covshim_now) -ge $__covshim[18]
                __covshim_say $__covshim[20]
            else
                __covshim_say $__covshim[19]
            end
        end
    end
end
