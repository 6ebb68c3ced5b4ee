#!/bin/sh
# Installs the Outpost agent from this unpacked release, enrolls the device and starts the service.
# Running it again is safe: an installed version is replaced, an enrolled identity is kept.
#   install.sh --hub URL (--token oet_… | --token-file FILE) --ca-fingerprint SHA256 [--id ID] [--name NAME]
#              [--prefix DIR] [--state-dir DIR] [--node PATH] [--no-systemd]
set -eu
# The service user must read what root installs, whatever root's own umask is.
umask 022

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
prefix=/usr/local
state_dir=/var/lib/outpost-agent
unit_dir=/etc/systemd/system
hub='' token='' token_file='' fingerprint='' device_id='' name='' node='' systemd=yes
service_user=outpost-agent

usage() {
  cat <<USAGE
usage: install.sh --hub URL --token TOKEN --ca-fingerprint SHA256 [options]

  --hub URL               the hub's HTTPS address, e.g. https://hub.example:8443
  --token TOKEN           an enrollment token (oet_…) from the hub
  --token-file FILE       read the token from FILE instead (kept off the command line)
  --ca-fingerprint HEX    SHA-256 of the hub CA, shown with the token
  --id ID                 device id (default: one the hub assigns)
  --name NAME             display name on the hub
  --prefix DIR            where the agent goes: DIR/lib/outpost-agent, DIR/bin (default: /usr/local)
  --state-dir DIR         identity and state (default: /var/lib/outpost-agent; only that with systemd)
  --node PATH             Node.js 20 or newer to run the agent with (default: node on PATH)
  --no-systemd            install and enroll only: no user, no service (for tests and containers)

--hub, --token (or --token-file) and --ca-fingerprint may be left out once the device is enrolled.
USAGE
}

fail() {
  echo "install.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --hub | --token | --token-file | --ca-fingerprint | --id | --name | --prefix | --state-dir | --node)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case "$1" in
        --hub) hub=$2 ;;
        --token) token=$2 ;;
        --token-file) token_file=$2 ;;
        --ca-fingerprint) fingerprint=$2 ;;
        --id) device_id=$2 ;;
        --name) name=$2 ;;
        --prefix) prefix=$2 ;;
        --state-dir) state_dir=$2 ;;
        --node) node=$2 ;;
      esac
      shift 2
      ;;
    --no-systemd) systemd=no; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail "unknown argument: $1" ;;
  esac
done

version=$(cat "$here/VERSION")
[ -f "$here/outpost-agent.cjs" ] || fail "outpost-agent.cjs is missing next to install.sh"
[ -f "$here/outpost-agent-launcher.sh" ] || fail "outpost-agent-launcher.sh is missing next to install.sh"
case "$prefix" in /*) ;; *) fail "--prefix must be an absolute path" ;; esac
case "$state_dir" in /*) ;; *) fail "--state-dir must be an absolute path" ;; esac

if [ "$systemd" = yes ]; then
  [ "$(id -u)" = 0 ] || fail "run as root, or pass --no-systemd to install without a service"
  command -v systemctl >/dev/null 2>&1 || fail "systemctl not found: pass --no-systemd on a machine without systemd"
  [ "$state_dir" = /var/lib/outpost-agent ] || fail "with systemd the state directory is /var/lib/outpost-agent"
fi

enrolled=no
[ -f "$state_dir/identity.json" ] && enrolled=yes
if [ "$enrolled" = no ]; then
  missing=''
  [ -n "$hub" ] || missing="$missing --hub"
  [ -n "$token" ] || [ -n "$token_file" ] || missing="$missing --token"
  [ -n "$fingerprint" ] || missing="$missing --ca-fingerprint"
  [ -z "$missing" ] || { usage >&2; fail "missing$missing (needed to enroll this device)"; }
fi

[ -n "$node" ] || node=$(command -v node || true)
[ -n "$node" ] && [ -x "$node" ] || fail "Node.js 20 or newer is needed (not found; pass --node PATH)"
"$node" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' ||
  fail "$node is Node.js $("$node" --version); the agent needs 20 or newer"

# Each version in its own directory and a "current" link, so a new version can land beside the running one.
lib="$prefix/lib/outpost-agent"
mkdir -p "$lib" "$prefix/bin"
staging="$lib/.$version.tmp.$$"
rm -rf "$staging"
mkdir -p "$staging"
for f in outpost-agent.cjs outpost-agent.service outpost-agent-launcher.sh install.sh uninstall.sh VERSION; do
  cp "$here/$f" "$staging/$f"
done
chmod 0644 "$staging/outpost-agent.cjs" "$staging/outpost-agent.service" "$staging/VERSION"
chmod 0755 "$staging/install.sh" "$staging/uninstall.sh" "$staging/outpost-agent-launcher.sh"
rm -rf "$lib/$version"
mv "$staging" "$lib/$version"
ln -sfn "$version" "$lib/current.tmp.$$"
mv -T "$lib/current.tmp.$$" "$lib/current"
# An install by hand ends any self-update in progress: the launcher must not take this version back.
rm -f "$state_dir/agent-update"

# The launcher stays outside the versioned directories (and root's): it is what takes back a new
# version of the agent that does not start (docs/INSTALL-AGENT.md, "Self-update and rollback").
launcher="$prefix/bin/outpost-agent"
case "$node$lib" in *'|'* | *"'"* | *'&'* | *'\'*) fail "paths with | ' & or \\ are not supported: $node, $lib" ;; esac
sed -e "s|@NODE@|$node|" -e "s|@LIB@|$lib|" "$here/outpost-agent-launcher.sh" >"$launcher.tmp.$$"
chmod 0755 "$launcher.tmp.$$"
mv "$launcher.tmp.$$" "$launcher"
echo "installed outpost-agent $version in $lib/$version"

if [ "$systemd" = yes ] && ! id -u "$service_user" >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$service_user"
  echo "created system user $service_user"
fi

if [ "$enrolled" = yes ]; then
  echo "already enrolled ($state_dir/identity.json): keeping the identity"
else
  if [ -n "$token_file" ]; then
    set -- enroll --hub "$hub" --token-file "$token_file" --ca-fingerprint "$fingerprint" --dir "$state_dir"
  else
    set -- enroll --hub "$hub" --token "$token" --ca-fingerprint "$fingerprint" --dir "$state_dir"
  fi
  [ -z "$device_id" ] || set -- "$@" --id "$device_id"
  [ -z "$name" ] || set -- "$@" --name "$name"
  "$launcher" "$@"
fi

if [ "$systemd" = yes ]; then
  chown -R "$service_user:$service_user" "$state_dir"
  chmod 0700 "$state_dir"
  # The agent unpacks its new versions beside the running one and moves `current` (self-update):
  # the versions' directory is its own; the launcher in bin stays root's.
  chown "$service_user:$service_user" "$lib"
  sed -e "s|^ExecStart=/usr/local/bin/outpost-agent |ExecStart=$launcher |" \
    -e "s|^ReadWritePaths=/usr/local/lib/outpost-agent\$|ReadWritePaths=$lib|" \
    "$lib/current/outpost-agent.service" >"$unit_dir/outpost-agent.service.tmp.$$"
  mv "$unit_dir/outpost-agent.service.tmp.$$" "$unit_dir/outpost-agent.service"
  systemctl daemon-reload
  systemctl enable outpost-agent.service >/dev/null
  systemctl restart outpost-agent.service
  echo "outpost-agent.service enabled and started"
else
  echo "no service installed; start the agent with: $launcher run --dir $state_dir"
fi
