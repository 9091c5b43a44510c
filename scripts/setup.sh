#!/usr/bin/env bash
# Sets up everything Motcua needs on Debian 12: system packages and the virtual environment.
# Idempotent: a second run installs nothing new. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  mosquitto mosquitto-clients          # the broker (embedded and production)
  libzbar0 libusb-1.0-0                # pyzbar decoder, USB printers
  cups-client                          # 'lp' for printers shared through CUPS
  espeak-ng sox                        # Vietnamese voice fallback, audio files
  fonts-dejavu-core fonts-noto-core    # fonts with full Vietnamese coverage
  xvfb xauth                           # Qt windows on a virtual screen
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0
  python3-venv
  chromium                             # browser tests of the web pages; PDF of the report
)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.motcua-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  echo "Installing Python packages into .venv"
  .venv/bin/pip install -q --upgrade pip
  # The lock pins every package to the version CI tested.
  .venv/bin/pip install -q -c requirements.lock -e '.[dev]'
  touch "$stamp"
fi
