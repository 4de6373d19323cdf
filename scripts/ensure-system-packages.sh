#!/usr/bin/env bash
# Installs the Debian packages Zenne's tests and demo run for real (socat ptys,
# the Mosquitto broker as a peer, headless Chromium), or says exactly how to.
# Usage: scripts/ensure-system-packages.sh PACKAGE...   (socat | mosquitto | mosquitto-clients | chromium | influxdb | victoria-metrics)
set -euo pipefail

declare -A probe=(
  [socat]=/usr/bin/socat
  [mosquitto]=/usr/sbin/mosquitto
  [mosquitto-clients]=/usr/bin/mosquitto_sub
  [chromium]=/usr/bin/chromium
  [influxdb]=/usr/bin/influxd
  [victoria-metrics]=/usr/bin/victoria-metrics
)

missing=()
for pkg in "$@"; do
  path="${probe[$pkg]:-}"
  if [[ -z "$path" ]]; then echo "ensure-system-packages: unknown package '$pkg'" >&2; exit 2; fi
  [[ -x "$path" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]} (apt-get) ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d 101 keeps Debian's maintainer scripts from starting a system-wide
# mosquitto on port 1883 (or influxd on 8086, victoria-metrics on 8428); Zenne
# starts its own brokers and servers on the ports it chooses.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then printf '#!/bin/sh\nexit 101\n' > $policy; chmod +x $policy; created_policy=1; fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if [[ $created_policy -eq 1 ]]; then rm -f $policy; fi
echo "Installed: ${missing[*]}"
