#!/usr/bin/env bash
# System packages the workspace's build needs beyond the Rust toolchain, installed from
# Debian's packages when missing: OpenSSL headers and pkg-config, for the peer benchmark's
# `svix` (crates/hookshield-bench-peers), which clippy --all-targets compiles.
set -euo pipefail

missing=()
for package in libssl-dev pkg-config; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "installing ${missing[*]} (Debian packages)" >&2
if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
