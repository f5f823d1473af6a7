# covshim shell integration for zsh. Load with: eval "$(covshim hook zsh)"
# The per-prompt work uses builtins only: no process is started at a prompt.
#
# All of the hook's state is in one array and the marker (VS Code's newer
# zsh integration runs printenv for every shell variable at every prompt:
# docs/shells.md). __covshim's elements (every function here runs under
# `emulate -L zsh`, so they count from 1 whatever the user's ksh_arrays):
#   1 node   2 the CLI   3 the shells' file   4 when the left-on warning was
#   last said ('': this shell has not started up yet)   5 the hand-set
#   COVERAGE_PROCESS_START warned about   6-17 the shells' file's fields, in
#   docs/shells.md's order: rc prompt ps1 since warn_at warn_every warn_msg
#   on_msg scope_until scope_msg expired_msg var   18 the file's text those
#   were read from (a prompt whose file is unchanged skips the parse)   19
#   the variables as the last sync left them   20 when a message of the
#   clock's is due next (19 and 20: __covshim_sync's short way)
zmodload zsh/datetime 2>/dev/null

__covshim_say() {
  emulate -L zsh
  [[ -n ${COVSHIM_QUIET-} ]] && return 0
  if [[ -z ${NO_COLOR-} && -t 2 ]]; then
    print -r -- $'\e[33mcovshim:\e[0m '"$1" >&2
  else
    print -r -- "covshim: $1" >&2
  fi
  return 0
}

# Reads the shells' file (docs/shells.md: a version line, then key=value
# lines in a fixed order) into elements 6-17: its text as $1 (the sync has
# read it), else read here. $(<file) is zsh's builtin read of a whole file:
# no process. The lines are split only when the text changed.
__covshim_read() {
  emulate -L zsh
  local -a l
  local i t=${1-}
  if (( ! $# )) && [[ -r $__covshim[3] ]]; then t=$(<$__covshim[3]); fi
  # The same text as at the last prompt: the fields are as they were read
  # (from a file of the user's own: another's is read as empty, so its text
  # is never the one kept).
  [[ "+$t" == "${__covshim[18]-}" ]] && return 0
  [[ -O $__covshim[3] ]] || t=
  __covshim[18]="+$t"
  [[ -n $t ]] && l=("${(@f)t}")
  if [[ ${l[1]-} != 'covshim-shell 2' ]]; then
    l=(none rc= prompt= ps1=0 since=0 warn_at=0 warn_every=1800 warn_msg= on_msg= scope_until=0 scope_msg= expired_msg= var=)
  fi
  # Each value is what follows its key's '='.
  for i in {2..13}; do __covshim[i+4]=${${l[i]-}#*=}; done
  # The variable to export: one of the two the shim answers to.
  [[ $__covshim[17] == COVSHIM_START ]] || __covshim[17]=COVERAGE_PROCESS_START
  # Numbers only.
  for i in 9 10 11 14; do [[ $__covshim[i] == <-> ]] || __covshim[i]=0; done
  (( __covshim[11] > 0 )) || __covshim[11]=1800
  return 0
}

# Brings the variables in step with the file. Keeps $? for whatever runs after it.
__covshim_sync() {
  local __cs_status=$?
  emulate -L zsh
  local now=${EPOCHSECONDS:-0} msg show t=
  [[ -r $__covshim[3] ]] && t=$(<$__covshim[3])
  # The short way, most prompts': the file's text as it was, the variables a
  # user may change as the last sync left them (COVSHIM_PS1 set or not, as
  # unset and '' differ for it), and no message of the clock's (the left-on
  # warning, the end of an install's time) due. Each expansion costs about
  # a microsecond: the hook's own (__COVSHIM_SET, the marker) are left out.
  if [[ "+$t" == "$__covshim[18]" && $__covshim[19] == "${COVERAGE_PROCESS_START-}|${COVSHIM_START-}|${COVSHIM_PROMPT-}|${COVSHIM_PS1+x}${COVSHIM_PS1-}" ]] && (( now < __covshim[20] )); then
    return $__cs_status
  fi
  __covshim_read "$t"
  show=$__covshim[7]
  if [[ -n $__covshim[6] ]]; then
    local name=$__covshim[17]
    # The other variable, where covshim set it (for an install before this one).
    if [[ $name == COVSHIM_START && -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then unset COVERAGE_PROCESS_START; fi
    if [[ $name == COVERAGE_PROCESS_START && -n ${__COVSHIM_SET-} && ${COVSHIM_START-} == "$__COVSHIM_SET" ]]; then unset COVSHIM_START; fi
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
      if [[ $__covshim[5] != "$COVERAGE_PROCESS_START" ]]; then
        __covshim[5]=$COVERAGE_PROCESS_START
        __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
      fi
    elif [[ ${(P)name-} != "$__covshim[6]" ]]; then
      export "$name=$__covshim[6]" __COVSHIM_SET="$__covshim[6]"
    fi
    if (( __covshim[10] > 0 && now >= __covshim[10] && now - ${__covshim[4]:-0} >= __covshim[11] )); then
      __covshim[4]=$now
      printf -v msg "$__covshim[12]" $(( (now - __covshim[9]) / 60 ))
      __covshim_say "$msg"
    fi
  else
    if [[ -n ${__COVSHIM_SET-} && ${COVSHIM_START-} == "$__COVSHIM_SET" ]]; then unset COVSHIM_START; fi
    if [[ -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then
      unset COVERAGE_PROCESS_START
    elif [[ -n ${COVERAGE_PROCESS_START-} && $__covshim[5] != "$COVERAGE_PROCESS_START" ]]; then
      __covshim[5]=$COVERAGE_PROCESS_START
      __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
    fi
    [[ -z ${__COVSHIM_SET+x} ]] || unset __COVSHIM_SET
    # Install scope: the prompt text holds until it expires, covshim running or not.
    (( now < __covshim[14] )) || show=''
  fi
  if [[ -n $show ]]; then
    [[ ${COVSHIM_PROMPT-} == "$show" ]] || export COVSHIM_PROMPT="$show"
    # The marker shows while on, unless COVSHIM_PS1=0 or the config's ps1: false.
    if [[ ${COVSHIM_PS1-$__covshim[8]} == 1 ]]; then __covshim_mark=$show; else __covshim_mark=''; fi
  else
    [[ -z ${COVSHIM_PROMPT+x} ]] || unset COVSHIM_PROMPT
    __covshim_mark=''
  fi
  __covshim[19]="${COVERAGE_PROCESS_START-}|${COVSHIM_START-}|${COVSHIM_PROMPT-}|${COVSHIM_PS1+x}${COVSHIM_PS1-}"
  # When the clock next matters: the left-on warning (measurement on), the
  # end of an install's time while its marker shows (off here); else never.
  __covshim[20]=9223372036854775807
  if [[ -n $__covshim[6] ]]; then
    if (( __covshim[10] > 0 )); then
      __covshim[20]=$(( ${__covshim[4]:-0} + __covshim[11] ))
      (( __covshim[20] > __covshim[10] )) || __covshim[20]=$__covshim[10]
    fi
  elif [[ -n $show ]]; then
    __covshim[20]=$__covshim[14]
  fi
  return $__cs_status
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
# In a pipeline or $( ) the function runs in a subshell: the CLI says so.
covshim() {
  local __cs_rc=0 __cs_where=1
  (( ${ZSH_SUBSHELL:-0} == 0 )) || __cs_where=subshell
  __COVSHIM_HOOKED=$__cs_where "$__covshim[1]" "$__covshim[2]" "$@" || __cs_rc=$?
  __covshim_sync || :
  return $__cs_rc
}

# Sets the state up, registers the sync, and says at a shell's start what is
# on: one message, and none when the rc is sourced again (a left-on warning
# that is due is the sync's, within its interval).
__covshim_install() {
  emulate -L zsh
  typeset -ga __covshim
  typeset -g __covshim_mark=${__covshim_mark-}
  local started=${__covshim[4]-}
  __covshim[1]=@NODE@
  __covshim[2]=@CLI@
  __covshim[3]=@FILE@
  __covshim[4]=$started
  __covshim[5]=''
  __covshim[18]=''
  __covshim[19]=''
  __covshim[20]=0
  typeset -ga precmd_functions
  if (( ! ${precmd_functions[(I)__covshim_sync]} )); then
    precmd_functions=(__covshim_sync $precmd_functions)
  fi
  if [[ -n $started ]]; then
    __covshim_sync || :
    return 0
  fi
  __covshim[4]=0
  __covshim_sync || :
  # The left-on warning, when it was due, was this shell's one message.
  (( __covshim[4] == 0 )) || return 0
  if [[ -n $__covshim[6] ]]; then
    __covshim_say "$__covshim[13]"
  elif (( __covshim[14] > 0 )); then
    if (( ${EPOCHSECONDS:-0} >= __covshim[14] )); then __covshim_say "$__covshim[16]"; else __covshim_say "$__covshim[15]"; fi
  fi
  return 0
}
__covshim_install
# Outside the function: emulate -L would undo prompt_subst on return.
# A framework that owns the prompt (powerlevel10k, an oh-my-zsh theme, starship)
# is left alone: it gets COVSHIM_PROMPT for a segment (docs/shells.md). Also
# before covshim has ever written its file: whether the marker shows is
# decided at each prompt (__covshim_mark), with the config's ps1 from the file.
if [[ ${COVSHIM_PS1-1} != 0 && ${PS1-} != *COVSHIM_PROMPT* && ${PS1-} != *__covshim_mark* && -z ${ZSH_THEME-}${STARSHIP_SHELL-}${POWERLEVEL9K_MODE-} ]] && (( ! ${+functions[p10k]} )); then
  setopt prompt_subst
  PS1='${__covshim_mark:+($__covshim_mark) }'"${PS1-}"
fi
