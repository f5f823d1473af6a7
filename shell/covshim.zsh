# covshim shell integration for zsh. Load with: eval "$(covshim hook zsh)"
# The per-prompt work uses builtins only: no process is started at a prompt.
typeset -g __covshim_node='node'
typeset -g __covshim_cli='covshim'
typeset -g __covshim_file="${HOME-}/.local/state/covshim/shell.env"
typeset -g __covshim_last_warn=0
typeset -g __covshim_warned_hand=''
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

# Reads the state covshim keeps for the shells and brings the variables in
# step. Keeps $? for whatever runs after it. $(<file) is zsh's builtin read
# of a whole file: no process.
__covshim_sync() {
  local __cs_status=$?
  emulate -L zsh
  local rc='' prompt='' since=0 after=3600 every=1800 now=0
  local -a l
  [[ -r $__covshim_file && -O $__covshim_file ]] && l=("${(@f)$(<$__covshim_file)}")
  if [[ ${l[1]-} == 'covshim-shell 1' ]]; then
    rc=${l[2]-} prompt=${l[3]-} since=${l[4]-} after=${l[5]-} every=${l[6]-}
    [[ $since == <-> ]] || since=0
    [[ $after == <-> ]] || after=3600
    [[ $every == <-> ]] || every=1800
  fi
  if [[ -n $rc ]]; then
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
      if [[ $__covshim_warned_hand != "$COVERAGE_PROCESS_START" ]]; then
        __covshim_warned_hand=$COVERAGE_PROCESS_START
        __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
      fi
    elif [[ ${COVERAGE_PROCESS_START-} != "$rc" ]]; then
      export COVERAGE_PROCESS_START="$rc" __COVSHIM_SET="$rc"
    fi
    [[ ${COVSHIM_PROMPT-} == "$prompt" ]] || export COVSHIM_PROMPT="$prompt"
    now=${EPOCHSECONDS:-0}
    if (( since > 0 && now > 0 && now - since >= after && now - __covshim_last_warn >= every )); then
      __covshim_last_warn=$now
      __covshim_say "measurement has been on for $(( (now - since) / 60 )) min ($prompt); 'covshim off' turns it off"
    fi
  else
    if [[ -n ${__COVSHIM_SET-} && ${COVERAGE_PROCESS_START-} == "$__COVSHIM_SET" ]]; then
      unset COVERAGE_PROCESS_START
    elif [[ -n ${COVERAGE_PROCESS_START-} && $__covshim_warned_hand != "$COVERAGE_PROCESS_START" ]]; then
      __covshim_warned_hand=$COVERAGE_PROCESS_START
      __covshim_say "COVERAGE_PROCESS_START is set but covshim has nothing on; unset it to stop measuring"
    fi
    [[ -z ${__COVSHIM_SET+x}${COVSHIM_PROMPT+x} ]] || unset __COVSHIM_SET COVSHIM_PROMPT
  fi
  return $__cs_status
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
covshim() {
  local __cs_rc=0
  __COVSHIM_HOOKED=1 "$__covshim_node" "$__covshim_cli" "$@" || __cs_rc=$?
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
  [[ -n ${COVSHIM_PROMPT-} ]] && __covshim_say "measurement is on in this shell ($COVSHIM_PROMPT); 'covshim off' turns it off"
  local -a l
  [[ -r $__covshim_file && -O $__covshim_file ]] && l=("${(@f)$(<$__covshim_file)}")
  if [[ -n ${l[7]-} ]]; then
    local exp=${l[8]-0}
    [[ $exp == <-> ]] || exp=0
    if (( exp > 0 && ${EPOCHSECONDS:-0} >= exp )); then
      __covshim_say "install scope of ${l[7]} has expired: nothing is measured; 'covshim off' removes the shim"
    else
      local until
      strftime -s until '%H:%M' $exp 2>/dev/null || until=$exp
      __covshim_say "install scope: every process of ${l[7]} is measured until $until"
    fi
  fi
  return 0
}
__covshim_install
# Outside the function: emulate -L would undo prompt_subst on return.
# The config key `ps1` arrives as a line of the state file; no indexing here (ksh_arrays).
__covshim_ps1=${COVSHIM_PS1-}
[[ -r $__covshim_file && -O $__covshim_file && $(<$__covshim_file) == *$'\n'ps1=1* ]] && __covshim_ps1=1
if [[ $__covshim_ps1 == 1 && ${PS1-} != *COVSHIM_PROMPT* ]]; then
  setopt prompt_subst
  PS1='${COVSHIM_PROMPT:+($COVSHIM_PROMPT) }'"${PS1-}"
fi
unset __covshim_ps1
