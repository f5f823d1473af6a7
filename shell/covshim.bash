# covshim shell integration for bash. Load with: eval "$(covshim hook bash)"
# The per-prompt work uses builtins only: no process is started at a prompt.
# shellcheck shell=bash
__covshim_node='node'
__covshim_cli='covshim'
__covshim_file="${HOME-}/.local/state/covshim/shell.env"
__covshim_last_warn=0
__covshim_warned_hand=''

__covshim_say() {
  [[ -n ${COVSHIM_QUIET-} ]] && return 0
  if [[ -z ${NO_COLOR-} && -t 2 ]]; then
    printf '\033[33mcovshim:\033[0m %s\n' "$1" >&2
  else
    printf 'covshim: %s\n' "$1" >&2
  fi
  return 0
}

# Reads the state covshim keeps for the shells and brings the variables in
# step. Keeps $? for whatever runs after it (the user's prompt).
__covshim_sync() {
  local __cs_status=$? rc='' prompt='' since=0 after=3600 every=1800 now=0
  local -a l=()
  # One builtin read of the whole file; only a file of the user's own counts.
  if [[ -r $__covshim_file && -O $__covshim_file ]]; then mapfile -t l < "$__covshim_file" || :; fi
  if [[ ${l[0]-} == 'covshim-shell 1' ]]; then
    rc=${l[1]-} prompt=${l[2]-} since=${l[3]-} after=${l[4]-} every=${l[5]-}
    # Numbers only: anything else would be evaluated as a name in (( )).
    case $since in '' | *[!0-9]*) since=0 ;; esac
    case $after in '' | *[!0-9]*) after=3600 ;; esac
    case $every in '' | *[!0-9]*) every=1800 ;; esac
  fi
  if [[ -n $rc ]]; then
    if [[ -n ${COVERAGE_PROCESS_START-} && ${COVERAGE_PROCESS_START} != "${__COVSHIM_SET-}" ]]; then
      # Set by hand: leave it alone, say so once.
      if [[ $__covshim_warned_hand != "$COVERAGE_PROCESS_START" ]]; then
        __covshim_warned_hand=$COVERAGE_PROCESS_START
        __covshim_say "COVERAGE_PROCESS_START was set by hand; covshim leaves it as it is"
      fi
    elif [[ ${COVERAGE_PROCESS_START-} != "$rc" ]]; then
      export COVERAGE_PROCESS_START="$rc" __COVSHIM_SET="$rc"
    fi
    [[ ${COVSHIM_PROMPT-} == "$prompt" ]] || export COVSHIM_PROMPT="$prompt"
    if [[ -n ${EPOCHSECONDS-} ]]; then now=$EPOCHSECONDS; else printf -v now '%(%s)T' -1; fi
    if (( since > 0 && now - since >= after && now - __covshim_last_warn >= every )); then
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
  return "$__cs_status"
}

# Runs the CLI, then syncs at once: `covshim off && make test` sees the change.
covshim() {
  local __cs_rc=0
  __COVSHIM_HOOKED=1 "$__covshim_node" "$__covshim_cli" "$@" || __cs_rc=$?
  __covshim_sync
  return "$__cs_rc"
}

__covshim_install() {
  if [[ ${bash_preexec_imported-} == defined || -n ${__bp_imported-} ]]; then
    # bash-preexec owns PROMPT_COMMAND; it runs precmd_functions with $? intact.
    local f
    for f in "${precmd_functions[@]}"; do [[ $f == __covshim_sync ]] && return 0; done
    precmd_functions=(__covshim_sync "${precmd_functions[@]}")
    return 0
  fi
  if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == 'declare -a'* ]]; then
    local f
    for f in "${PROMPT_COMMAND[@]}"; do [[ $f == __covshim_sync ]] && return 0; done
    PROMPT_COMMAND=(__covshim_sync "${PROMPT_COMMAND[@]}")
  else
    # A string PROMPT_COMMAND (possibly with a trailing ';'): run first, so $? passes through.
    # shellcheck disable=SC2128,SC2178
    case ";${PROMPT_COMMAND-};" in
      *';__covshim_sync;'*) ;;
      ';;') PROMPT_COMMAND='__covshim_sync' ;;
      *) PROMPT_COMMAND="__covshim_sync;${PROMPT_COMMAND}" ;;
    esac
  fi
  local -a l=()
  if [[ -r $__covshim_file && -O $__covshim_file ]]; then mapfile -t l < "$__covshim_file" || :; fi
  if [[ (${COVSHIM_PS1-} == 1 || ${l[8]-} == ps1=1) && ${PS1-} != *COVSHIM_PROMPT* ]]; then
    # shellcheck disable=SC2016 # expanded at each prompt, not now
    PS1='${COVSHIM_PROMPT:+($COVSHIM_PROMPT) }'"${PS1-}"
  fi
  return 0
}
__covshim_install
__covshim_sync
if [[ -n ${COVSHIM_PROMPT-} ]]; then
  __covshim_say "measurement is on in this shell ($COVSHIM_PROMPT); 'covshim off' turns it off"
fi
__covshim_lines=()
if [[ -r $__covshim_file && -O $__covshim_file ]]; then mapfile -t __covshim_lines < "$__covshim_file" || :; fi
if [[ -n ${__covshim_lines[6]-} ]]; then
  __covshim_exp=${__covshim_lines[7]-0}
  case $__covshim_exp in '' | *[!0-9]*) __covshim_exp=0 ;; esac
  printf -v __covshim_now '%(%s)T' -1
  if (( __covshim_exp > 0 && __covshim_now >= __covshim_exp )); then
    __covshim_say "install scope of ${__covshim_lines[6]} has expired: nothing is measured; 'covshim off' removes the shim"
  else
    printf -v __covshim_now '%(%H:%M)T' "$__covshim_exp"
    __covshim_say "install scope: every process of ${__covshim_lines[6]} is measured until $__covshim_now"
  fi
  unset __covshim_exp __covshim_now
fi
unset __covshim_lines
:
