#!/usr/bin/env bash
# Installs the OS packages the test tiers and benchmarks use. Idempotent: installs only what is missing.
# Needs root (or passwordless sudo) and Debian/Ubuntu apt; elsewhere it prints what to install and exits 0.
set -euo pipefail

packages=(postgresql nats-server chromium openssh-server openssh-client awscli rclone s3cmd rsyslog gfortran python3-numpy python3-scipy)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all OS packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: no apt-get; install these yourself: ${missing[*]}" >&2
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo -n); else
    echo "setup-system: not root and no sudo; install these yourself: ${missing[*]}" >&2
    exit 0
  fi
fi

echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
# Services must not start on install: the test harness starts its own throwaway instances on random ports.
printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
"${sudo_cmd[@]}" chmod +x /usr/sbin/policy-rc.d
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d
echo "setup-system: done"
