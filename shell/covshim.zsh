# covshim shell integration for zsh. Load with: eval "$(covshim hook zsh)"
# The per-prompt work uses builtins only: no process is started at a prompt.
typeset -g __covshim_node='node'
typeset -g __covshim_cli='covshim'
typeset -g __covshim_file="${HOME-}/.local/state/covshim/shell.env"
typeset -g __covshim_last_warn=0
typeset -g __covshim_warned_hand=''
typeset -g __covshim_mark=''
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

typeset -g __covshim_rc='' __covshim_prompt='' __covshim_ps1=0 __covshim_since=0 __covshim_warn_at=0 __covshim_warn_every=1800
typeset -g __covshim_warn_msg='' __covshim_on_msg='' __covshim_scope_until=0 __covshim_scope_msg='' __covshim_expired_msg=''

# Reads the shells' file (docs/shells.md: a version line, then key=value
# lines) into globals. $(<file) is zsh's builtin read of a whole file: no
# process. Only a file of the user's own counts.
__covshim_read() {
  emulate -L zsh
  local -a l
  [[ -r $__covshim_file && -O $__covshim_file ]] && l=("${(@f)$(<$__covshim_file)}")
  if [[ ${l[1]-} != 'covshim-shell 2' ]]; then
    __covshim_rc='' __covshim_prompt='' __covshim_ps1=0 __covshim_since=0 __covshim_warn_at=0 __covshim_warn_every=1800
    __covshim_warn_msg='' __covshim_on_msg='' __covshim_scope_until=0 __covshim_scope_msg='' __covshim_expired_msg=''
    return 0
  fi
  # The keys come in the order of docs/shells.md; each value is what follows its key.
  __covshim_rc=${l[2]#rc=} __covshim_prompt=${l[3]#prompt=} __covshim_ps1=${l[4]#ps1=}
  __covshim_since=${l[5]#since=} __covshim_warn_at=${l[6]#warn_at=} __covshim_warn_every=${l[7]#warn_every=}
  __covshim_warn_msg=${l[8]#warn_msg=} __covshim_on_msg=${l[9]#on_msg=} __covshim_scope_until=${l[10]#scope_until=}
  __covshim_scope_msg=${l[11]#scope_msg=} __covshim_expired_msg=${l[12]#expired_msg=}
  [[ $__covshim_since == <-> ]] || __covshim_since=0
  [[ $__covshim_warn_at == <-> ]] || __covshim_warn_at=0
  [[ $__covshim_warn_every == <-> ]] || __covshim_warn_every=1800
  [[ $__covshim_scope_until == <-> ]] || __covshim_scope_until=0
  return 0
}

# Brings the variables in step with the file. Keeps $? for whatever runs after it.
__covshim_sync() {
  local __cs_status=$?
  emulate -L zsh
  local now=0 msg
  __covshim_read
  if [[ -n $__covshim_rc ]]; then
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
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
    now=${EPOCHSECONDS:-0}
    if (( __covshim_warn_at > 0 && now >= __covshim_warn_at && now - __covshim_last_warn >= __covshim_warn_every )); then
      __covshim_last_warn=$now
      printf -v msg "$__covshim_warn_msg" $(( (now - __covshim_since) / 60 ))
      __covshim_say "$msg"
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
  return $__cs_status
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
# In a pipeline or $( ) the function runs in a subshell: the CLI says so.
covshim() {
  local __cs_rc=0 __cs_where=1
  (( ${ZSH_SUBSHELL:-0} == 0 )) || __cs_where=subshell
  __COVSHIM_HOOKED=$__cs_where "$__covshim_node" "$__covshim_cli" "$@" || __cs_rc=$?
  __covshim_sync
  return $__cs_rc
}

__covshim_install() {
  emulate -L zsh
  typeset -ga precmd_functions
  if (( ! ${precmd_functions[(I)__covshim_sync]} )); then
    precmd_functions=(__covshim_sync $precmd_functions)
  fi
  __covshim_sync
  [[ -n ${COVSHIM_PROMPT-} ]] && __covshim_say "$__covshim_on_msg"
  if (( __covshim_scope_until > 0 )); then
    if (( ${EPOCHSECONDS:-0} >= __covshim_scope_until )); then __covshim_say "$__covshim_expired_msg"; else __covshim_say "$__covshim_scope_msg"; fi
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
