#!/bin/bash
# Install the Debian 12 packages the KmodPS lab needs (tests/lab/build.sh).
# Idempotent and quick when everything is present: only missing packages are
# installed, and `apt-get update` only runs when something is missing. Debian's
# zypper is unpacked (not installed) into /opt/kmodps-lab/zypper, run through the
# wrapper /usr/local/bin/zypper; redone only when missing or changed.
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
    openssh-server openssh-client
    # Run-time libraries of the unpacked zypper below (Depends of ZYPPER_DEBS outside that list).
    gnupg libreadline8 libxml2 libcurl4 libglib2.0-0 libgpgme11 librpm9 libsolv1 libsolvext1 libssl3 libudev1 zlib1g)

# Debian's zypper (suse world) is NOT installed as a package: Debian's zypper conflicts with
# dnf-plugins-core. Its .debs are unpacked with `dpkg-deb -x` into ZYPPER_PREFIX and run through
# ZYPPER_WRAPPER (LD_LIBRARY_PATH and PATH into the prefix).
ZYPPER_PREFIX=/opt/kmodps-lab/zypper
ZYPPER_WRAPPER=/usr/local/bin/zypper
ZYPPER_DEBS=(zypper zypper-common libzypp1722 libzypp-common libzypp-bin libzypp-config libaugeas0 augeas-lenses
    libboost-thread1.74.0 libproxy1v5 libsigc++-2.0-0v5 libyaml-cpp0.7 libsolv-tools)

installed() {
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == 'ii ' ]] || return 1
    local p=${PROVIDES[$1]:-}
    [[ -z $p ]] && return 0
    if [[ $p == /* ]]; then [[ -e $p ]]; else command -v "$p" >/dev/null 2>&1; fi
}

# ZYPP_LOGFILE: zypper otherwise writes the host's /var/log/zypper.log, even with --root.
zypper_wrapper_text() {
    cat <<EOF
#!/bin/sh
# KmodPS lab: Debian's zypper, unpacked in $ZYPPER_PREFIX (tests/lab/install.sh); not a system package.
P=$ZYPPER_PREFIX
export LD_LIBRARY_PATH=\$P/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}
export PATH=\$P/shim:\$P/usr/bin:\$PATH
export ZYPP_LOGFILE=\${ZYPP_LOGFILE:-/dev/null}
exec \$P/usr/bin/zypper "\$@"
EOF
}

# Present = unpacked from this package list (first line of .complete), the wrapper as written
# here, and `zypper --version` runs.
zypper_present() {
    [[ -f $ZYPPER_PREFIX/.complete && $(head -n1 "$ZYPPER_PREFIX/.complete") == "${ZYPPER_DEBS[*]}" ]] || return 1
    [[ -x $ZYPPER_WRAPPER ]] && cmp -s <(zypper_wrapper_text) "$ZYPPER_WRAPPER" || return 1
    "$ZYPPER_WRAPPER" --version >/dev/null 2>&1
}

install_zypper() {
    if zypper_present; then
        echo "[lab] zypper present in $ZYPPER_PREFIX"
        return 0
    fi
    echo "[lab] unpacking into $ZYPPER_PREFIX: ${ZYPPER_DEBS[*]}"
    local tmp deb stage=$ZYPPER_PREFIX.tmp.$$
    tmp=$(mktemp -d)
    # _apt must be able to write the download directory (otherwise apt downloads unsandboxed).
    chmod 0777 "$tmp"
    if ! (cd "$tmp" && apt-get download -q "${ZYPPER_DEBS[@]}" >/dev/null 2>&1); then
        # Stale package lists are the usual cause; refresh once and retry.
        echo "[lab] apt-get download failed; running apt-get update and retrying"
        apt-get update -q >/dev/null
        (cd "$tmp" && apt-get download -q "${ZYPPER_DEBS[@]}" >/dev/null) ||
            { rm -rf "$tmp"; echo "[lab] apt-get download ${ZYPPER_DEBS[*]} failed" >&2; exit 1; }
    fi
    rm -rf "$stage"
    mkdir -p "$stage/shim"
    for deb in "$tmp"/*.deb; do
        dpkg-deb -x "$deb" "$stage"
    done
    # libzypp runs `repo2solv.sh` (Debian names it repo2solv) and `rpmdb2solv` from PATH.
    ln -s ../usr/bin/repo2solv "$stage/shim/repo2solv.sh"
    [[ -x $stage/usr/bin/zypper && -x $stage/usr/bin/repo2solv && -x $stage/usr/bin/rpmdb2solv ]] ||
        { rm -rf "$tmp" "$stage"; echo "[lab] the unpacked zypper is incomplete" >&2; exit 1; }
    {
        echo "${ZYPPER_DEBS[*]}"
        for deb in "$tmp"/*.deb; do
            dpkg-deb -W --showformat='${Package}=${Version}\n' "$deb"
        done
    } >"$stage/.complete"
    rm -rf "$tmp" "$ZYPPER_PREFIX"
    mv "$stage" "$ZYPPER_PREFIX"
    mkdir -p "${ZYPPER_WRAPPER%/*}"
    zypper_wrapper_text >"$ZYPPER_WRAPPER.tmp"
    chmod 0755 "$ZYPPER_WRAPPER.tmp"
    mv "$ZYPPER_WRAPPER.tmp" "$ZYPPER_WRAPPER"
    zypper_present || { echo "[lab] $ZYPPER_WRAPPER --version fails:" >&2; "$ZYPPER_WRAPPER" --version >&2; exit 1; }
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
    install_zypper
    local abi
    abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
    abi=${abi%%[ ,]*}
    [[ -d /usr/src/$abi ]] || { echo "[lab] /usr/src/$abi missing" >&2; exit 1; }
    ls /usr/lib/linux-kbuild-*/scripts/sign-file >/dev/null 2>&1 ||
        { echo "[lab] no linux-kbuild sign-file found" >&2; exit 1; }
    echo "[lab] ok: ${abi#linux-headers-}, $(dkms --version), $(rpm --version), dnf $(dnf --version 2>/dev/null | head -n1), $("$ZYPPER_WRAPPER" --version)"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    main "$@"
fi
