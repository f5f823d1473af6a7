# covshim shell integration for bash. Load with: eval "$(covshim hook bash)"
# The per-prompt work uses builtins only: no process is started at a prompt.
# bash 3.2 (macOS's /bin/bash) to 5.x: nothing here needs a newer bash
# (test/e2e/shells/bash32.test.ts lists what it must not use).
# shellcheck shell=bash
#
# All of the hook's state is in one array and the marker (VS Code's newer
# terminal integration runs a process per shell variable at every prompt:
# docs/shells.md). __covshim's elements:
#   0 node   1 the CLI   2 the shells' file   3 when the hook was written
#   (epoch seconds) and 4 $SECONDS then: bash 5's EPOCHSECONDS, else this
#   shell's clock   5 when the left-on warning was last said ('': this shell
#   has not started up yet)   6 the hand-set COVERAGE_PROCESS_START warned
#   about   7 1: mapfile exists (bash 4+, a third faster than read -d '')
#   8-19 the shells' file's fields, in docs/shells.md's order: rc prompt ps1
#   since warn_at warn_every warn_msg on_msg scope_until scope_msg expired_msg
#   var   20 now (__covshim_now)   21 the file's text these fields were
#   read from (a prompt whose file is unchanged skips the parse)   22 the
#   variables as the last sync left them   23 when a message of the clock's
#   is due next (22 and 23: __covshim_sync's short way)
__covshim[0]=@NODE@
__covshim[1]=@CLI@
__covshim[2]=@FILE@
__covshim[3]=@EPOCH@
__covshim[4]=$SECONDS
__covshim[5]=${__covshim[5]-}
__covshim[6]=''
__covshim[7]=0
__covshim[21]=''
__covshim[22]=''
__covshim[23]=0
if type -t mapfile >/dev/null 2>&1; then __covshim[7]=1; fi
__covshim_mark=${__covshim_mark-}

__covshim_now() {
  if [[ -n ${EPOCHSECONDS-} ]]; then __covshim[20]=$EPOCHSECONDS; else __covshim[20]=$(( __covshim[3] + SECONDS - __covshim[4] )); fi
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
# lines in a fixed order) into elements 8-19: its text as $1 (the sync has
# read it), else read here. One builtin read of the whole file into one
# string (cheaper than mapfile's lines at every prompt); the lines are split
# only when the text changed.
__covshim_read() {
  local s=${1-}
  if (( ! $# )) && [[ -r ${__covshim[2]} ]]; then read -r -d '' s < "${__covshim[2]}" || :; fi
  # The same text as at the last prompt: the fields are as they were read
  # (from a file of the user's own: another's is read as empty, so its text
  # is never the one kept).
  [[ "+$s" == "${__covshim[21]-}" ]] && return 0
  [[ -O ${__covshim[2]} ]] || s=''
  __covshim[21]="+$s"
  local -a l=()
  local i IFS=$'\n'
  if (( __covshim[7] )); then mapfile -t l <<< "$s"; else read -r -d '' -a l <<< "$s" || :; fi
  if [[ ${l[0]-} != 'covshim-shell 2' ]]; then
    l=(none rc= prompt= ps1=0 since=0 warn_at=0 warn_every=1800 warn_msg= on_msg= scope_until=0 scope_msg= expired_msg= var=)
  fi
  # Each value is what follows its key's '='.
  for i in 1 2 3 4 5 6 7 8 9 10 11 12; do __covshim[i+7]=${l[i]-}; __covshim[i+7]=${__covshim[i+7]#*=}; done
  # The variable to export: one of the two the shim answers to.
  [[ ${__covshim[19]} == COVSHIM_START ]] || __covshim[19]=COVERAGE_PROCESS_START
  # Numbers only: anything else would be evaluated as a name in (( )).
  for i in 11 12 13 16; do
    case ${__covshim[i]} in '' | *[!0-9]*) __covshim[i]=0 ;; esac
  done
  (( __covshim[13] > 0 )) || __covshim[13]=1800
  return 0
}

# Brings the variables in step with the file. Keeps $? for whatever runs
# after it (the user's prompt): it returns the status it found. It is
# registered as `__covshim_sync && :`, so that an rc's `set -e` does not take
# that status for a failure and close the shell (a command before the last of
# an && list does not trigger errexit, and the list keeps its status).
__covshim_sync() {
  local __cs_status=$? s=''
  [[ -r ${__covshim[2]} ]] && { read -r -d '' s < "${__covshim[2]}" || :; }
  # The short way, most prompts': the file's text as it was, the variables a
  # user may change as the last sync left them (COVSHIM_PS1 set or not, as
  # unset and '' differ for it), and no message of the clock's (the left-on
  # warning, the end of an install's time) due. Each expansion costs about
  # a microsecond: the hook's own (__COVSHIM_SET, the marker) are left out.
  if [[ "+$s" == "${__covshim[21]}" && ${__covshim[22]} == "${COVERAGE_PROCESS_START-}|${COVSHIM_START-}|${COVSHIM_PROMPT-}|${COVSHIM_PS1+x}${COVSHIM_PS1-}" ]]; then
    # __covshim_now, inline: this is the path of nearly every prompt.
    if [[ -n ${EPOCHSECONDS-} ]]; then __covshim[20]=$EPOCHSECONDS; else __covshim[20]=$(( __covshim[3] + SECONDS - __covshim[4] )); fi
    (( __covshim[20] < __covshim[23] )) && return "$__cs_status"
  fi
  local msg show name
  __covshim_read "$s"
  show=${__covshim[9]}
  if [[ -n ${__covshim[8]} ]]; then
    name=${__covshim[19]}
    # The other variable, where covshim set it (for an install before this one).
    if [[ $name == COVSHIM_START && -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then unset COVERAGE_PROCESS_START; fi
    if [[ $name == COVERAGE_PROCESS_START && -n ${__COVSHIM_SET-} && ${COVSHIM_START-} == "$__COVSHIM_SET" ]]; then unset COVSHIM_START; fi
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
      # Set by hand: leave it alone, say so once.
      if [[ ${__covshim[6]} != "$COVERAGE_PROCESS_START" ]]; then
        __covshim[6]=$COVERAGE_PROCESS_START
        __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
      fi
    elif [[ ${!name:-} != "${__covshim[8]}" ]]; then
      export "$name=${__covshim[8]}" __COVSHIM_SET="${__covshim[8]}"
    fi
    if (( __covshim[12] > 0 )); then
      __covshim_now
      if (( __covshim[20] >= __covshim[12] && __covshim[20] - ${__covshim[5]:-0} >= __covshim[13] )); then
        __covshim[5]=${__covshim[20]}
        # shellcheck disable=SC2059 # the format is covshim's own (docs/shells.md)
        printf -v msg "${__covshim[14]}" $(( (__covshim[20] - __covshim[11]) / 60 ))
        __covshim_say "$msg"
      fi
    fi
  else
    if [[ -n ${__COVSHIM_SET-} && ${COVSHIM_START-} == "$__COVSHIM_SET" ]]; then unset COVSHIM_START; fi
    if [[ -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then
      unset COVERAGE_PROCESS_START
    elif [[ -n ${COVERAGE_PROCESS_START-} && ${__covshim[6]} != "$COVERAGE_PROCESS_START" ]]; then
      __covshim[6]=$COVERAGE_PROCESS_START
      __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
    fi
    [[ -z ${__COVSHIM_SET+x} ]] || unset __COVSHIM_SET
    # Install scope: the prompt text holds until it expires, covshim running or not.
    if [[ -n $show ]]; then
      __covshim_now
      (( __covshim[20] < __covshim[16] )) || show=''
    fi
  fi
  if [[ -n $show ]]; then
    [[ ${COVSHIM_PROMPT-} == "$show" ]] || export COVSHIM_PROMPT="$show"
    # The marker shows while on, unless COVSHIM_PS1=0 or the config's ps1: false.
    if [[ ${COVSHIM_PS1-${__covshim[10]}} == 1 ]]; then __covshim_mark=$show; else __covshim_mark=''; fi
  else
    [[ -z ${COVSHIM_PROMPT+x} ]] || unset COVSHIM_PROMPT
    __covshim_mark=''
  fi
  __covshim[22]="${COVERAGE_PROCESS_START-}|${COVSHIM_START-}|${COVSHIM_PROMPT-}|${COVSHIM_PS1+x}${COVSHIM_PS1-}"
  # When the clock next matters: the left-on warning (measurement on), the
  # end of an install's time while its marker shows (off here); else never.
  __covshim[23]=9223372036854775807
  if [[ -n ${__covshim[8]} ]]; then
    if (( __covshim[12] > 0 )); then
      __covshim[23]=$(( ${__covshim[5]:-0} + __covshim[13] ))
      (( __covshim[23] > __covshim[12] )) || __covshim[23]=${__covshim[12]}
    fi
  elif [[ -n $show ]]; then
    __covshim[23]=${__covshim[16]}
  fi
  return "$__cs_status"
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
# In a pipeline or $( ) the function runs in a subshell: the CLI says so.
covshim() {
  local __cs_rc=0 __cs_where=1
  (( ${BASH_SUBSHELL-0} == 0 )) || __cs_where=subshell
  __COVSHIM_HOOKED=$__cs_where "${__covshim[0]}" "${__covshim[1]}" "$@" || __cs_rc=$?
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

# Registers the sync, puts the marker's place in the prompt, and says at a
# shell's start what is on: one message, and none when the rc is sourced
# again (a left-on warning that is due is the sync's, within its interval).
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
  if [[ -n ${__covshim[5]} ]]; then
    __covshim_sync || :
    return 0
  fi
  __covshim[5]=0
  __covshim_sync || :
  # The left-on warning, when it was due, was this shell's one message.
  (( __covshim[5] == 0 )) || return 0
  if [[ -n ${__covshim[8]} ]]; then
    __covshim_say "${__covshim[15]}"
  elif (( __covshim[16] > 0 )); then
    __covshim_now
    if (( __covshim[20] >= __covshim[16] )); then __covshim_say "${__covshim[18]}"; else __covshim_say "${__covshim[17]}"; fi
  fi
  return 0
}
__covshim_install
:
