#!/usr/bin/env bash
# Installs the real Prometheus-family binaries the validation and the
# integration tests run. Needs root (apt) and the Debian mirrors.
#
# Debian 12 (bookworm) builds Prometheus without Kubernetes service
# discovery and ships Alertmanager 0.25, so it can neither load nor check
# the configuration we render. Debian 13 (trixie) builds Prometheus 2.53
# with Kubernetes discovery and Alertmanager 0.28 (the version our image
# pins). Their packages are static Go binaries: we download them and unpack
# them into .tools/ without touching the system's package state.
#
# Pushgateway and node-exporter come from the machine's own release.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
suite="${MONITORING_TOOLS_SUITE:-trixie}"
mirror="${MONITORING_TOOLS_MIRROR:-http://deb.debian.org/debian}"
# Pinned versions; if the mirror has moved on, the current one is used and reported.
declare -A pinned=([prometheus]=2.53.3+ds1-2 [promtool]=2.53.3+ds1-2 [prometheus-alertmanager]=0.28.1+ds-1)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Terraform and the hashicorp/aws provider cannot come from the registries this
# project may use (npm, Debian): the Terraform tests need both on the machine.
# Checked, not installed; TF_PLUGIN_MIRROR overrides the mirror location.
tf_mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
if ! command -v terraform >/dev/null; then
  echo "error: terraform (>= 1.5) is not on PATH; test/validation/terraform.test.ts needs it" >&2
  exit 1
fi
if [ ! -d "$tf_mirror/registry.terraform.io/hashicorp/aws/5.100.0" ]; then
  echo "error: no hashicorp/aws 5.100.0 in the provider mirror $tf_mirror (set TF_PLUGIN_MIRROR)" >&2
  exit 1
fi

if ! command -v prometheus-pushgateway >/dev/null || ! command -v prometheus-node-exporter >/dev/null || ! command -v openssl >/dev/null; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    prometheus prometheus-alertmanager prometheus-pushgateway prometheus-node-exporter openssl >/dev/null
fi

# Headless Chromium for the SLA report's HTML test (playwright-core drives /usr/bin/chromium).
if ! command -v chromium >/dev/null; then
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ -x "$tools/bin/prometheus" ] && [ -x "$tools/bin/promtool" ] && [ -x "$tools/bin/amtool" ] && [ -x "$tools/bin/alertmanager" ]; then
  echo "tools already in $tools/bin"
  exit 0
fi

apt_dir="$tools/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$tools/debs" "$tools/root" "$tools/bin"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq

cd "$tools/debs"
for pkg in "${!pinned[@]}"; do
  want="${pinned[$pkg]}"
  if ! apt-get "${apt_opts[@]}" download -qq "$pkg=$want" 2>/dev/null; then
    echo "warning: $pkg $want is no longer on $mirror $suite; using its current version" >&2
    apt-get "${apt_opts[@]}" download -qq "$pkg"
  fi
done
for deb in "$tools"/debs/*.deb; do dpkg-deb -x "$deb" "$tools/root"; done
ln -sf "$tools/root/usr/bin/prometheus" "$tools/bin/prometheus"
ln -sf "$tools/root/usr/bin/promtool" "$tools/bin/promtool"
ln -sf "$tools/root/usr/bin/prometheus-alertmanager" "$tools/bin/alertmanager"
ln -sf "$tools/root/usr/bin/amtool" "$tools/bin/amtool"
ln -sf "$(command -v prometheus-pushgateway)" "$tools/bin/pushgateway"
ln -sf "$(command -v prometheus-node-exporter)" "$tools/bin/node-exporter"
for bin in prometheus promtool alertmanager amtool pushgateway; do
  printf '%-13s %s\n' "$bin" "$("$tools/bin/$bin" --version 2>&1 | head -1)"
done
