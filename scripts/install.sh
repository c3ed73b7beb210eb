#!/usr/bin/env bash
# Installs everything evpn6 needs on Debian 12, as root: system packages, npm packages,
# and the build. Safe to run again. Used by the README's two commands and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
apt_packages=(
  ca-certificates git build-essential cmake pkg-config python3
  iproute2 iputils-ping ethtool tcpdump tshark iperf3 procps psmisc
  gobgpd frr
  tcpreplay
  libuv1-dev
  clang libclang-rt-14-dev   # libFuzzer harness of the forwarder core (native/fuzz/run.sh)
  libdpdk-dev                # the DPDK forwarder (evpn6_forwarder.node); optional for the router
)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_packages+=(nodejs npm)
fi
apt-get update -q
# Daemons shipped by these packages must not start on install: tests start their own, in namespaces.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -q --no-install-recommends "${apt_packages[@]}"

npm ci --no-audit --no-fund
# native/: the netlink addon of the kernel dataplane (cmake-js + node-addon-api, no DPDK).
echo "install.sh: building native/ (evpn6_netlink.node) with cmake-js"
npm run build:native -w @evpn6/router
echo "install.sh: native build ok: $(ls native/build/Release/*.node)"
npm run build
