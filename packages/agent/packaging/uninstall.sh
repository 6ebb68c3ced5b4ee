#!/bin/sh
# Removes the Outpost agent. The device's identity stays in the state directory unless --purge.
#   uninstall.sh [--prefix DIR] [--state-dir DIR] [--no-systemd] [--purge]
set -eu

prefix=/usr/local
state_dir=/var/lib/outpost-agent
unit=/etc/systemd/system/outpost-agent.service
systemd=yes purge=no

fail() {
  echo "uninstall.sh: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix | --state-dir)
      [ $# -ge 2 ] || fail "$1 needs a value"
      if [ "$1" = --prefix ]; then prefix=$2; else state_dir=$2; fi
      shift 2
      ;;
    --no-systemd) systemd=no; shift ;;
    --purge) purge=yes; shift ;;
    -h | --help)
      echo "usage: uninstall.sh [--prefix DIR] [--state-dir DIR] [--no-systemd] [--purge (also the identity and state)]"
      exit 0
      ;;
    *) fail "unknown argument: $1" ;;
  esac
done
case "$prefix" in /*) ;; *) fail "--prefix must be an absolute path" ;; esac
case "$state_dir" in /*) ;; *) fail "--state-dir must be an absolute path" ;; esac

if [ "$systemd" = yes ]; then
  [ "$(id -u)" = 0 ] || fail "run as root, or pass --no-systemd"
  if [ -f "$unit" ]; then
    systemctl disable --now outpost-agent.service >/dev/null 2>&1 || true
    rm -f "$unit"
    systemctl daemon-reload
    echo "outpost-agent.service stopped and removed"
  fi
fi

rm -f "$prefix/bin/outpost-agent"
rm -rf "$prefix/lib/outpost-agent"
echo "removed the agent from $prefix"

if [ "$purge" = yes ]; then
  rm -rf "$state_dir"
  echo "removed $state_dir (the device must enroll again to come back)"
  if [ "$systemd" = yes ] && id -u outpost-agent >/dev/null 2>&1; then
    userdel outpost-agent
    echo "removed system user outpost-agent"
  fi
else
  echo "kept $state_dir (the device identity); --purge removes it"
fi
