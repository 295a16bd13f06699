#!/bin/bash
# Build the KmodPS lab worlds (alternate system roots made with real tools).
#
#   tests/lab/build.sh [LABDIR]        default: ${KMODPS_LAB_DIR:-/tmp/kmodps-lab}
#
# Needs root and the packages from tests/lab/install.sh. Every world directory
# is deleted and rebuilt; downloaded .debs (LABDIR/cache) and lab signing keys
# (LABDIR/keys) are kept between runs. Nothing on the host is modified outside
# LABDIR (see README.md). KMODPS_LAB_WORLDS="debian-dkms debian-grub alma debian-chroot suse"
# restricts the run to some worlds (for iterating on one of them).
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "$(readlink -f "$0")")/lib/common.sh"
# shellcheck source=lib/debian.sh
source "$LAB_SRC_DIR/lib/debian.sh"
# shellcheck source=lib/grub.sh
source "$LAB_SRC_DIR/lib/grub.sh"
# shellcheck source=lib/alma.sh
source "$LAB_SRC_DIR/lib/alma.sh"
# shellcheck source=lib/chroot-world.sh
source "$LAB_SRC_DIR/lib/chroot-world.sh"
# shellcheck source=lib/suse.sh
source "$LAB_SRC_DIR/lib/suse.sh"

LABDIR=${1:-${KMODPS_LAB_DIR:-/tmp/kmodps-lab}}
WORLDS=${KMODPS_LAB_WORLDS:-debian-dkms debian-grub alma debian-chroot suse}

preflight() {
    [[ $(id -u) == 0 ]] || die "build.sh must run as root (dkms, depmod, rpm --root); try: sudo $0"
    need_cmd dpkg-deb dpkg-query apt-get apt-cache dkms depmod modinfo make gcc openssl \
        rpmbuild rpm dnf createrepo_c grub-editenv grub-script-check xz tar realpath flock unshare
    mkdir -p "$LABDIR"
    LABDIR=$(realpath "$LABDIR")
    case $LABDIR in
        / | /boot* | /usr* | /etc* | /var/lib/dkms* | /lib* | /var/lib/dpkg*) die "refusing LABDIR=$LABDIR" ;;
    esac
    # One build per LABDIR at a time (test runs start build.sh on their own).
    exec 9>"$LABDIR/.lock"
    if ! flock -n 9; then
        log "another build.sh holds $LABDIR/.lock; waiting"
        flock -w 1800 9 || die "timed out waiting for $LABDIR/.lock"
    fi
    rm -rf "$LABDIR/logs" "$LABDIR/.work"
    mkdir -p "$LABDIR/cache" "$LABDIR/keys" "$LABDIR/logs"
    rm -f "$LABDIR/.built"
}

write_built() {
    local f=$LABDIR/.built
    {
        echo "# KmodPS lab, built $(date -u +%Y-%m-%dT%H:%M:%SZ) by tests/lab/build.sh"
        echo "labdir=$LABDIR"
        if [[ " $WORLDS " == *" debian-dkms "* || " $WORLDS " == *" debian-grub "* ]]; then
            echo "debian_abi=$DEB_ABI"
            echo "debian_old_abi=$DEB_OLD_ABI"
        fi
        if [[ " $WORLDS " == *" debian-dkms "* ]]; then
            echo "world=debian-dkms kernels=$DEB_ABI,$DEB_OLD_ABI headers=$DEB_ABI kbuild=$DEB_KBUILD dkms_mode=$DKMS_MODE"
            echo "debian_dkms_v4l2loopback=$DEB_V4L_VER"
            echo "debian_dkms_mok=$DKMS_MOK_ORIGIN"
        fi
        if [[ " $WORLDS " == *" debian-grub "* ]]; then
            echo "world=debian-grub kernels=$DEB_ABI,$DEB_OLD_ABI saved_entry=$GRUB_SAVED_ENTRY"
        fi
        if [[ " $WORLDS " == *" alma "* ]]; then
            echo "alma_kernels=${ALMA_KERNELS[*]}"
            echo "alma_nvidia=kmod-nvidia-open-$NV_VERSION-$NV_RELEASE for ${ALMA_KERNELS[0]}.x86_64"
            echo "world=alma-repo kernels=${ALMA_KERNELS[*]}"
            echo "world=alma-nvidia-before kernels=${ALMA_KERNELS[0]} saved_entry=$ALMA_BEFORE_SAVED"
            echo "world=alma-nvidia-after kernels=${ALMA_KERNELS[*]} saved_entry=$ALMA_AFTER_SAVED"
            echo "world=alma-nvidia-before-fixed kernels=${ALMA_KERNELS[0]} repo=alma-repo-fixed (kmod-nvidia-open for every kernel)"
        fi
        if [[ " $WORLDS " == *" debian-chroot "* ]]; then
            echo "world=debian-chroot kernels=$DEB_ABI,$DEB_OLD_ABI headers=$DEB_ABI,$DEB_OLD_ABI dkms=$DEB_CHROOT_DKMS v4l2loopback=$DEB_CHROOT_V4L_VER broken=lab-broken/1.0 tarball=$DEB_CHROOT_BASE"
        fi
        if [[ " $WORLDS " == *" suse "* ]]; then
            echo "suse_kernels=${SUSE_RELEASES[*]/#/$SUSE_KVER-}"
            echo "suse_kmp=$SUSE_KMP"
            echo "suse_broken_symbol=$SUSE_BROKEN_SYMBOL"
            echo "suse_saved_entry=$SUSE_SAVED_ENTRY"
            echo "world=suse-kmp kernels=$(suse_uname "${SUSE_RELEASES[0]}") repo=suse-repo (${SUSE_RELEASES[0]#150600.} ${SUSE_RELEASES[1]#150600.} kABI-compatible, ${SUSE_RELEASES[2]#150600.} breaks ksym($SUSE_FLAVOR:$SUSE_BROKEN_SYMBOL)) kmp=$SUSE_KMP_NAME-kmp-$SUSE_FLAVOR"
        fi
    } >"$f.tmp"
    mv "$f.tmp" "$f"
}

main() {
    local start=$SECONDS
    preflight
    log "building lab in $LABDIR (worlds: $WORLDS)"
    DEB_ABI=$(debian_current_abi)
    DEB_OLD_ABI=$(debian_older_abi "$DEB_ABI")
    DKMS_MODE=${KMODPS_LAB_DKMS_MODE:-auto}
    local w
    for w in $WORLDS; do
        case $w in
            debian-dkms) build_debian_dkms ;;
            debian-grub) build_debian_grub ;;
            alma) build_alma ;;
            debian-chroot) build_debian_chroot ;;
            suse) build_suse ;;
            *) die "unknown world '$w'" ;;
        esac
    done
    rm -rf "$LABDIR/.work"
    write_built
    log "done in $((SECONDS - start))s; summary in $LABDIR/.built"
    cat "$LABDIR/.built" >&2
}

main "$@"
