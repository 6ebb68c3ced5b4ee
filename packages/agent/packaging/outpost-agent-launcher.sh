#!/bin/sh
# The Outpost agent's launcher (docs/INSTALL-AGENT.md, "Self-update and rollback"). install.sh writes it
# to <prefix>/bin/outpost-agent with the two paths below filled in; the service manager runs it, and an
# update of the agent never replaces it. Before `run` it reads the self-update record in the state
# directory: while a new version is pending it counts its starts, and once the new version used them
# up or its deadline passed it points `current` back at the previous version and records why.
# The rule is launchDecision in packages/agent/src/updates/agent-update-record.ts.
set -u
node='@NODE@'
lib='@LIB@'
# glibc raises its trim threshold after the first large free, which leaves the memory of
# compiling the bundle in the heap for good (about 6 MB); a fixed threshold gives it back.
MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-131072}
OUTPOST_AGENT_LIB=$lib
export MALLOC_TRIM_THRESHOLD_ OUTPOST_AGENT_LIB

say() { echo "outpost-agent launcher: $*" >&2; }
is_count() { case "$1" in '' | *[!0-9]*) return 1 ;; esac; [ ${#1} -le 10 ]; }
is_version() { case "$1" in '' | *[!0-9A-Za-z.+-]*) return 1 ;; esac; [ ${#1} -le 64 ]; }
is_job() { case "$1" in '' | *[!0-9A-Za-z_-]*) return 1 ;; esac; [ ${#1} -le 64 ]; }

write_record() { # $1 file, then state starts reason
  {
    printf 'state=%s\njob=%s\nprevious=%s\nnext=%s\n' "$2" "$job" "$previous" "$next"
    printf 'deadline=%s\nstarts=%s\nmax_starts=%s\n' "$deadline" "$3" "$max_starts"
    [ -z "$4" ] || printf 'reason=%s\n' "$4"
  } >"$1.tmp" && mv -f "$1.tmp" "$1"
}

roll_back() { # $1 record file, $2 reason
  if [ ! -f "$lib/$previous/outpost-agent.cjs" ]; then
    say "agent $next is failing but $previous is not installed in $lib: nothing to go back to"
    return 0
  fi
  # The link moves first: a stop before the record is written still rolls back at the next start.
  ln -sfn "$previous" "$lib/current.tmp.$$" && mv -fT "$lib/current.tmp.$$" "$lib/current" || {
    say "could not point $lib/current back at $previous"
    return 0
  }
  write_record "$1" rolled_back "$starts" "$2"
  say "agent $next rolled back to $previous ($2)"
}

check_update() { # $1 record file
  state='' job='' previous='' next='' deadline='' starts='' max_starts='' reason=''
  while IFS='=' read -r key value; do
    case "$key" in
      state) state=$value ;;
      job) job=$value ;;
      previous) previous=$value ;;
      next) next=$value ;;
      deadline) deadline=$value ;;
      starts) starts=$value ;;
      max_starts) max_starts=$value ;;
      reason) reason=$value ;;
    esac
  done <"$1"
  [ "$state" = pending ] || return 0
  if ! is_job "$job" || ! is_version "$previous" || ! is_version "$next" ||
    ! is_count "$deadline" || ! is_count "$starts" || ! is_count "$max_starts"; then
    say "$1 is unreadable: left as it is"
    return 0
  fi
  if [ "$starts" -ge "$max_starts" ]; then
    roll_back "$1" agent_start_failed
  elif [ "$(date +%s)" -ge "$deadline" ]; then
    roll_back "$1" health_deadline
  else
    write_record "$1" pending $((starts + 1)) '' || say "could not count the start in $1"
  fi
}

if [ "${1:-}" = run ]; then
  dir=/var/lib/outpost-agent
  prev=''
  for a in "$@"; do
    [ "$prev" = --dir ] && dir=$a
    case "$a" in --dir=*) dir=${a#--dir=} ;; esac
    prev=$a
  done
  [ ! -f "$dir/agent-update" ] || check_update "$dir/agent-update"
fi
exec "$node" "$lib/current/outpost-agent.cjs" "$@"
