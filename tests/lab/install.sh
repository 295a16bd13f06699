#!/bin/bash
# Install the Debian 12 packages the KmodPS lab needs (tests/lab/build.sh).
# Idempotent and quick when everything is present: only missing packages are
# installed, and `apt-get update` only runs when something is missing.
#
#   sudo tests/lab/install.sh
set -euo pipefail

# package -> a command (or file) it provides, checked in addition to dpkg's view.
declare -A PROVIDES=(
    [dkms]=dkms
    [linux-headers-amd64]=/usr/src
    [v4l2loopback-dkms]=/usr/src
    [rpm]=rpmbuild          # Debian's rpm package ships rpm and rpmbuild
    [dnf]=dnf
    [dnf-plugins-core]=/usr/lib/python3/dist-packages/dnf-plugins/versionlock.py
    [createrepo-c]=createrepo_c
    [kmod]=modinfo
    [grub-common]=grub-editenv
    [debootstrap]=debootstrap
    [grub2-common]=grub-set-default  # tools only (grub-set-default, grub-reboot); installs no boot loader
    [mokutil]=mokutil
    [gcc]=gcc
    [make]=make
    [openssl]=openssl
    [xz-utils]=xz
    [zstd]=zstd
    [util-linux]=unshare
    [tar]=tar
    [apt]=apt-get
    [openssh-server]=/usr/sbin/sshd    # the remoting lab test starts its own sshd on 127.0.0.1
    [openssh-client]=ssh
)
# Order matters for a single apt transaction only in readability: headers
# before the DKMS package so its postinst can build right away.
PACKAGES=(kmod gcc make openssl xz-utils zstd util-linux tar apt linux-headers-amd64 dkms
    v4l2loopback-dkms rpm dnf dnf-plugins-core createrepo-c grub-common grub2-common mokutil debootstrap
    openssh-server openssh-client)

installed() {
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == 'ii ' ]] || return 1
    local p=${PROVIDES[$1]:-}
    [[ -z $p ]] && return 0
    if [[ $p == /* ]]; then [[ -e $p ]]; else command -v "$p" >/dev/null 2>&1; fi
}

main() {
    [[ $(id -u) == 0 ]] || { echo "install.sh must run as root" >&2; exit 1; }
    [[ -r /etc/debian_version ]] || { echo "install.sh supports Debian only" >&2; exit 1; }
    local -a missing=()
    local p
    for p in "${PACKAGES[@]}"; do
        installed "$p" || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then
        echo "[lab] all lab packages present"
    else
        echo "[lab] installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    for p in "${PACKAGES[@]}"; do
        installed "$p" || { echo "[lab] $p is still missing after install" >&2; exit 1; }
    done
    local abi
    abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
    abi=${abi%%[ ,]*}
    [[ -d /usr/src/$abi ]] || { echo "[lab] /usr/src/$abi missing" >&2; exit 1; }
    ls /usr/lib/linux-kbuild-*/scripts/sign-file >/dev/null 2>&1 ||
        { echo "[lab] no linux-kbuild sign-file found" >&2; exit 1; }
    echo "[lab] ok: ${abi#linux-headers-}, $(dkms --version), $(rpm --version), dnf $(dnf --version 2>/dev/null | head -n1)"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi
