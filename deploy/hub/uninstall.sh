#!/bin/sh
# Removes the Outpost hub's service and program files. The data directory (database, CA, keys)
# and the settings in SYSCONFDIR/outpost stay unless --purge is given: they are the fleet's
# identity, and a backup should be taken first (outpost hub backup).
#
#   sudo ./uninstall.sh [--prefix /opt/outpost] [--sysconfdir /etc] [--data-dir /var/lib/outpost] [--purge]
set -eu

prefix=/opt/outpost
sysconfdir=/etc
data_dir=/var/lib/outpost
purge=no
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix=$2; shift 2 ;;
    --sysconfdir) sysconfdir=$2; shift 2 ;;
    --data-dir) data_dir=$2; shift 2 ;;
    --purge) purge=yes; shift ;;
    -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -f /etc/systemd/system/outpost-hub.service ]; then
  systemctl disable --now outpost-hub.service >/dev/null 2>&1 || true
  rm -f /etc/systemd/system/outpost-hub.service
  systemctl daemon-reload || true
fi
[ "$(readlink /usr/local/bin/outpost 2>/dev/null)" = "$prefix/bin/outpost" ] && rm -f /usr/local/bin/outpost
rm -rf "$prefix/releases" "$prefix/current" "$prefix/bin" "$prefix/outpost-hub.service"
rmdir "$prefix" 2>/dev/null || true
if [ "$purge" = yes ]; then
  rm -rf "$data_dir" "$sysconfdir/outpost"
  id outpost >/dev/null 2>&1 && userdel outpost 2>/dev/null || true
  echo "removed the Outpost hub, its data directory $data_dir and its settings"
else
  echo "removed the Outpost hub; kept $data_dir and $sysconfdir/outpost (--purge removes them)"
fi
