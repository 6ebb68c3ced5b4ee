#!/bin/sh
# Installs (or upgrades to) the Outpost hub release this script was unpacked with.
#
#   sudo ./install.sh [--prefix /opt/outpost] [--sysconfdir /etc] [--data-dir /var/lib/outpost]
#                     [--public-host hub.example.com] [--bind 0.0.0.0] [--no-systemd]
#
# Releases live side by side in PREFIX/releases/<version>; PREFIX/current points at the one that
# runs, so an upgrade is one symlink and a restart. --no-systemd installs the files only (no user,
# no unit enabled, no link in /usr/local/bin), for a container or a trial under any user.
set -eu

prefix=/opt/outpost
sysconfdir=/etc
data_dir=/var/lib/outpost
public_host=
bind=
systemd=yes

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
}
fail() {
  echo "install.sh: $*" >&2
  exit 1
}
need_value() {
  [ $# -ge 2 ] && [ -n "$2" ] || fail "$1 needs a value"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) need_value "$@"; prefix=$2; shift 2 ;;
    --sysconfdir) need_value "$@"; sysconfdir=$2; shift 2 ;;
    --data-dir) need_value "$@"; data_dir=$2; shift 2 ;;
    --public-host) need_value "$@"; public_host=$2; shift 2 ;;
    --bind) need_value "$@"; bind=$2; shift 2 ;;
    --no-systemd) systemd=no; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; fail "unknown option $1" ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$here/BUILD-INFO.json" | head -n 1; }
version=$(field version)
abi=$(field nodeAbi)
built_with=$(field node)
[ -n "$version" ] || fail "$here/BUILD-INFO.json is missing: run install.sh from an unpacked release"

node=$(command -v "${OUTPOST_NODE:-node}" || true)
[ -n "$node" ] || fail "Node.js $built_with is needed (Debian: apt install nodejs)"
have_abi=$("$node" -p process.versions.modules)
[ "$have_abi" = "$abi" ] ||
  fail "this release's native modules were built for Node.js $built_with (ABI $abi); $node is $("$node" -v) (ABI $have_abi)"

if [ "$systemd" = yes ] && [ "$(id -u)" != 0 ]; then
  fail "installing the service needs root (or use --no-systemd)"
fi

# The release, copied whole, then switched to in one rename.
release="$prefix/releases/$version"
mkdir -p "$prefix/releases" "$prefix/bin"
rm -rf "$release.new"
cp -a "$here" "$release.new"
rm -rf "$release"
mv "$release.new" "$release"
ln -sfn "releases/$version" "$prefix/current.new"
mv -T "$prefix/current.new" "$prefix/current"
ln -sfn ../current/bin/outpost "$prefix/bin/outpost"

# Settings: written once; an upgrade keeps what the operator changed.
mkdir -p "$sysconfdir/outpost"
env_file="$sysconfdir/outpost/hub.env"
if [ ! -f "$env_file" ]; then
  umask 027
  {
    echo "# Outpost hub settings (OUTPOST_* variables; see INSTALL.md). Restart the service after a change."
    echo "OUTPOST_BIND=${bind:-0.0.0.0}"
    echo "OUTPOST_PUBLIC_HOST=${public_host:-$(hostname -f 2>/dev/null || hostname)}"
    echo "#OUTPOST_HTTP_PORT=8443"
    echo "#OUTPOST_MQTT_PORT=8883"
    echo "# The key that encrypts the CA's private key is $sysconfdir/outpost/kek (root's, handed to the"
    echo "# service as a systemd credential). Keep a copy apart from backups. OUTPOST_KEK overrides it."
    echo "#OUTPOST_KEK="
  } >"$env_file"
  umask 022
fi

# The key-encryption key, outside the data directory: made once; an earlier release's key, kept
# inside the data directory (or beside it), is moved here so the hub keeps opening its CA key.
kek_file="$sysconfdir/outpost/kek"
if [ ! -f "$kek_file" ]; then
  umask 077
  if [ -f "$data_dir/kek" ]; then
    cp "$data_dir/kek" "$kek_file.new" && rm -f "$data_dir/kek"
  elif [ -f "$data_dir.kek" ]; then
    cp "$data_dir.kek" "$kek_file.new" && rm -f "$data_dir.kek"
  else
    head -c 32 /dev/urandom >"$kek_file.new"
  fi
  chmod 0600 "$kek_file.new"
  mv "$kek_file.new" "$kek_file"
  umask 022
fi

# The unit, with this installation's paths.
unit="$prefix/outpost-hub.service"
sed -e "s#@PREFIX@#$prefix#g" -e "s#@NODE@#$node#g" -e "s#@SYSCONFDIR@#$sysconfdir#g" -e "s#@DATA_DIR@#$data_dir#g" \
  "$here/outpost-hub.service" >"$unit"

if [ "$systemd" = no ]; then
  mkdir -p "$data_dir"
  chmod 0700 "$data_dir"
  echo "installed Outpost hub $version in $prefix (no service): run OUTPOST_KEK_FILE=$kek_file $prefix/bin/outpost hub --data-dir $data_dir"
  exit 0
fi

id outpost >/dev/null 2>&1 ||
  useradd --system --user-group --home-dir "$data_dir" --no-create-home --shell /usr/sbin/nologin outpost
install -d -o outpost -g outpost -m 0700 "$data_dir"
chgrp outpost "$env_file"
chmod 0640 "$env_file"
cp "$unit" /etc/systemd/system/outpost-hub.service
ln -sfn "$prefix/bin/outpost" /usr/local/bin/outpost
systemctl daemon-reload
systemctl enable outpost-hub.service >/dev/null
# A running hub is an upgrade: restart it on the new release (migrations run forward on start).
if systemctl is-active --quiet outpost-hub.service; then
  systemctl restart outpost-hub.service
else
  systemctl start outpost-hub.service
fi
echo "Outpost hub $version is running: systemctl status outpost-hub; the first admin password is in journalctl -u outpost-hub"
