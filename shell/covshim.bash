# covshim shell integration for bash. Load with: eval "$(covshim hook bash)"
# The per-prompt work uses builtins only: no process is started at a prompt.
# bash 3.2 (macOS's /bin/bash) to 5.x: nothing here needs a newer bash
# (test/e2e/shells/bash32.test.ts lists what it must not use).
# shellcheck shell=bash
__covshim_node='node'
__covshim_cli='covshim'
__covshim_file="${HOME-}/.local/state/covshim/shell.env"
# The clock: bash 5's EPOCHSECONDS, else the time covshim wrote this hook
# plus the seconds this shell has counted since (bash has no other clock
# without a process).
__covshim_epoch=0
__covshim_epoch_at=$SECONDS
__covshim_last_warn=0
__covshim_warned_hand=''
__covshim_mark=''
# bash 4's mapfile reads the file a third faster than read -d '' (bash 3.2's
# way); docs/shells.md has the figures.
__covshim_mapfile=0
if type -t mapfile >/dev/null 2>&1; then __covshim_mapfile=1; fi

__covshim_now() {
  if [[ -n ${EPOCHSECONDS-} ]]; then __covshim_t=$EPOCHSECONDS; else __covshim_t=$(( __covshim_epoch + SECONDS - __covshim_epoch_at )); fi
}

__covshim_say() {
  [[ -n ${COVSHIM_QUIET-} ]] && return 0
  if [[ -z ${NO_COLOR-} && -t 2 ]]; then
    printf '\033[33mcovshim:\033[0m %s\n' "$1" >&2
  else
    printf 'covshim: %s\n' "$1" >&2
  fi
  return 0
}

# Reads the shells' file (docs/shells.md: a version line, then key=value
# lines, none empty) into globals. One builtin read of the whole file; only a
# file of the user's own counts.
__covshim_read() {
  local -a l=()
  if [[ -r $__covshim_file && -O $__covshim_file ]]; then
    if (( __covshim_mapfile )); then mapfile -t l < "$__covshim_file" || :; else IFS=$'\n' read -r -d '' -a l < "$__covshim_file" || :; fi
  fi
  if [[ ${l[0]-} != 'covshim-shell 2' ]]; then
    __covshim_rc='' __covshim_prompt='' __covshim_ps1=0 __covshim_since=0 __covshim_warn_at=0 __covshim_warn_every=1800
    __covshim_warn_msg='' __covshim_on_msg='' __covshim_scope_until=0 __covshim_scope_msg='' __covshim_expired_msg=''
    return 0
  fi
  # The keys come in the order of docs/shells.md; each value is what follows its key.
  __covshim_rc=${l[1]#rc=} __covshim_prompt=${l[2]#prompt=} __covshim_ps1=${l[3]#ps1=}
  __covshim_since=${l[4]#since=} __covshim_warn_at=${l[5]#warn_at=} __covshim_warn_every=${l[6]#warn_every=}
  __covshim_warn_msg=${l[7]#warn_msg=} __covshim_on_msg=${l[8]#on_msg=} __covshim_scope_until=${l[9]#scope_until=}
  __covshim_scope_msg=${l[10]#scope_msg=} __covshim_expired_msg=${l[11]#expired_msg=}
  # Numbers only: anything else would be evaluated as a name in (( )).
  case $__covshim_since in '' | *[!0-9]*) __covshim_since=0 ;; esac
  case $__covshim_warn_at in '' | *[!0-9]*) __covshim_warn_at=0 ;; esac
  case $__covshim_warn_every in '' | *[!0-9]*) __covshim_warn_every=1800 ;; esac
  case $__covshim_scope_until in '' | *[!0-9]*) __covshim_scope_until=0 ;; esac
  return 0
}

# Brings the variables in step with the file. Keeps $? for whatever runs
# after it (the user's prompt): it returns the status it found. It is
# registered as `__covshim_sync && :`, so that an rc's `set -e` does not take
# that status for a failure and close the shell (a command before the last of
# an && list does not trigger errexit, and the list keeps its status).
__covshim_sync() {
  local __cs_status=$? now=0 msg
  __covshim_read
  if [[ -n $__covshim_rc ]]; then
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
      # Set by hand: leave it alone, say so once.
      if [[ $__covshim_warned_hand != "$COVERAGE_PROCESS_START" ]]; then
        __covshim_warned_hand=$COVERAGE_PROCESS_START
        __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
      fi
    elif [[ ${COVERAGE_PROCESS_START-} != "$__covshim_rc" ]]; then
      export COVERAGE_PROCESS_START="$__covshim_rc" __COVSHIM_SET="$__covshim_rc"
    fi
    [[ ${COVSHIM_PROMPT-} == "$__covshim_prompt" ]] || export COVSHIM_PROMPT="$__covshim_prompt"
    # The marker shows while on, unless COVSHIM_PS1=0 or the config's ps1: false.
    if [[ ${COVSHIM_PS1-$__covshim_ps1} == 1 ]]; then __covshim_mark=$__covshim_prompt; else __covshim_mark=''; fi
    if (( __covshim_warn_at > 0 )); then
      __covshim_now
      now=$__covshim_t
      if (( now >= __covshim_warn_at && now - __covshim_last_warn >= __covshim_warn_every )); then
        __covshim_last_warn=$now
        # shellcheck disable=SC2059 # the format is covshim's own (docs/shells.md)
        printf -v msg "$__covshim_warn_msg" $(( (now - __covshim_since) / 60 ))
        __covshim_say "$msg"
      fi
    fi
  else
    if [[ -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then
      unset COVERAGE_PROCESS_START
    elif [[ -n ${COVERAGE_PROCESS_START-} && $__covshim_warned_hand != "$COVERAGE_PROCESS_START" ]]; then
      __covshim_warned_hand=$COVERAGE_PROCESS_START
      __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
    fi
    [[ -z ${__COVSHIM_SET+x}${COVSHIM_PROMPT+x} ]] || unset __COVSHIM_SET COVSHIM_PROMPT
    __covshim_mark=''
  fi
  return "$__cs_status"
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
# In a pipeline or $( ) the function runs in a subshell: the CLI says so.
covshim() {
  local __cs_rc=0 __cs_where=1
  (( ${BASH_SUBSHELL-0} == 0 )) || __cs_where=subshell
  __COVSHIM_HOOKED=$__cs_where "$__covshim_node" "$__covshim_cli" "$@" || __cs_rc=$?
  __covshim_sync || :
  return "$__cs_rc"
}

# Whether the sync already runs at every prompt, wherever a hook can sit:
# PROMPT_COMMAND (a string or an array); VS Code's copy of it
# (__vsc_original_prompt_command), while VS Code's wrapper is what runs;
# bash-preexec's precmd_functions, while bash-preexec is what runs.
__covshim_registered() {
  local e pc="${PROMPT_COMMAND[*]-}"
  [[ $pc == *__covshim_sync* ]] && return 0
  if [[ $pc == *__vsc_prompt_cmd_original* ]]; then
    # shellcheck disable=SC2154 # VS Code's
    for e in "${__vsc_original_prompt_command[@]+"${__vsc_original_prompt_command[@]}"}"; do
      [[ $e == *__covshim_sync* ]] && return 0
    done
  fi
  if [[ $pc == *__bp_precmd_invoke_cmd* || $pc == *__bp_install* ]]; then
    for e in "${precmd_functions[@]+"${precmd_functions[@]}"}"; do
      [[ $e == __covshim_sync ]] && return 0
    done
  fi
  return 1
}

__covshim_install() {
  if ! __covshim_registered; then
    if [[ ${bash_preexec_imported-} == defined || -n ${__bp_imported-} ]]; then
      # bash-preexec owns PROMPT_COMMAND; it runs precmd_functions with $? intact.
      precmd_functions=(__covshim_sync "${precmd_functions[@]+"${precmd_functions[@]}"}")
    elif [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == 'declare -a'* ]]; then
      # Element 0, not a new element: VS Code (and others) take ${PROMPT_COMMAND},
      # element 0, as the user's prompt command and run it inside their own.
      PROMPT_COMMAND[0]="__covshim_sync && :${PROMPT_COMMAND[0]:+;${PROMPT_COMMAND[0]}}"
    else
      # A string PROMPT_COMMAND (possibly with a trailing ';'): run first, so $? passes through.
      # shellcheck disable=SC2128,SC2178
      PROMPT_COMMAND="__covshim_sync && :${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
    fi
  fi
  # The marker's place, unless COVSHIM_PS1=0 or a framework owns the prompt
  # (starship: it gets COVSHIM_PROMPT instead). Also before covshim has ever
  # written its file: whether it shows is decided at each prompt
  # (__covshim_mark), with the config's ps1 from the file.
  if [[ ${COVSHIM_PS1-1} != 0 && ${PS1-} != *COVSHIM_PROMPT* && ${PS1-} != *__covshim_mark* && -z ${STARSHIP_SHELL-} ]]; then
    # shellcheck disable=SC2016 # expanded at each prompt, not now
    PS1='${__covshim_mark:+($__covshim_mark) }'"${PS1-}"
  fi
  return 0
}
__covshim_install
__covshim_sync || :
[[ -n ${COVSHIM_PROMPT-} ]] && __covshim_say "$__covshim_on_msg"
if (( __covshim_scope_until > 0 )); then
  __covshim_now
  if (( __covshim_t >= __covshim_scope_until )); then __covshim_say "$__covshim_expired_msg"; else __covshim_say "$__covshim_scope_msg"; fi
fi
:
