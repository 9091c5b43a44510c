#!/usr/bin/env bash
# Installs Motcua's systemd units (systemd/*.service) and the folders they use.
#
#   scripts/install-units.sh [--prefix DIR] [--root DIR] [--enable UNIT ...]
#
#   --prefix DIR   where Motcua is installed (its .venv/bin/motcua); default /opt/motcua
#   --root DIR     install into another root (an image being prepared, or a test); no user is
#                  created and systemctl is not called
#   --enable UNIT  enable and start these units (e.g. broker server display); default: none
#
# Idempotent: re-running rewrites the unit files and keeps users, folders and credentials.
# See docs/deployment.md, "Services (systemd)".
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=/opt/motcua
ROOT=""
ENABLE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --root) ROOT="${2%/}"; shift 2 ;;
    --enable) shift; while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do ENABLE+=("$1"); shift; done ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install-units.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install-units.sh: run as root (or give --root DIR)" >&2
  exit 1
fi
if [ -z "$ROOT" ] && ! id motcua >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/motcua --no-create-home \
    --shell /usr/sbin/nologin --comment "Motcua services" motcua
fi

UNIT_DIR="$ROOT/etc/systemd/system"
install -d -m 0755 "$UNIT_DIR" "$ROOT/etc/motcua"
# Credentials are read by systemd (as root) for LoadCredential=: root only.
install -d -m 0700 "$ROOT/etc/motcua/credentials"
install -d -m 0750 "$ROOT/etc/mosquitto/motcua" "$ROOT/etc/mosquitto/motcua/conf.d"
if [ ! -e "$ROOT/etc/mosquitto/motcua/mosquitto.conf" ]; then
  install -m 0644 config/mosquitto/motcua.conf "$ROOT/etc/mosquitto/motcua/mosquitto.conf"
fi
if [ -z "$ROOT" ] && getent group mosquitto >/dev/null; then
  chgrp mosquitto /etc/mosquitto/motcua /etc/mosquitto/motcua/conf.d
fi

for unit in systemd/*.service; do
  name=$(basename "$unit")
  sed "s|/opt/motcua|$PREFIX|g" "$unit" > "$UNIT_DIR/$name.new"
  chmod 0644 "$UNIT_DIR/$name.new"
  mv "$UNIT_DIR/$name.new" "$UNIT_DIR/$name"
  echo "installed $UNIT_DIR/$name"
done

if [ -z "$ROOT" ]; then
  systemctl daemon-reload
  for short in "${ENABLE[@]}"; do
    unit="motcua-${short#motcua-}"
    if [ "${unit%.service}" = motcua-broker ] && systemctl is-enabled --quiet mosquitto 2>/dev/null; then
      # Debian's mosquitto.service would take the same ports at boot.
      systemctl disable --now mosquitto.service
    fi
    systemctl enable --now "$unit"
  done
fi
