#!/bin/bash
# shellcheck shell=bash
# debian-chroot: a Debian 12 world that can be chrooted into (real binaries: bash, dkms, gcc, make, kmod,
# openssl), for the tests of commands that run dkms *inside* an alternate root (Repair-KernelModule -Root).
#
# Sourced by build.sh (after common.sh and debian.sh: cached_deb, deb_unpacked, log, die), which calls
# build_debian_chroot. Also executable, to run a command inside a world the way KmodPS does:
#
#   tests/lab/lib/chroot-world.sh run <world> <command...>
#   tests/lab/lib/chroot-world.sh run /tmp/kmodps-lab/debian-chroot /usr/sbin/dkms status
#
# Speed, two cached tarballs in LABDIR/cache:
#  debian-chroot-base-<suite>-<key>.tar.zst      debootstrap --variant=minbase --include=dkms,gcc,make,...
#                                                (~80-110 s and ~90 MB of downloads, once; <key> = suite,
#                                                package list, mirror, arch; the .debs stay in cache/debootstrap)
#  debian-chroot-prepared-<key>.tar.zst          the base + headers of both kernels + v4l2loopback-dkms,
#                                                installed by the world's own dpkg (~25-30 s, once per set of
#                                                .deb file names, which cached_deb downloads)
# A warm rebuild extracts the prepared tarball, hard-links the kernel images from cache/unpacked (shared
# with debian-dkms), runs depmod and one real dkms build: ~30 s. Delete the tarballs to pick up newer
# archive packages.

CHROOT_SUITE_PACKAGES=dkms,gcc,make,kmod,openssl,patch,libelf1
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Run a command inside a world: a private mount namespace with /proc mounted at <world>/proc (dkms needs
# /proc: its version sanity check uses <(...) and /dev/fd), then chroot. The host's mounts never change.
chroot_world_run() {
    local w=$1
    shift
    env -i PATH="$CHROOT_PATH" LC_ALL=C HOME=/root DEBIAN_FRONTEND=noninteractive \
        unshare --mount --propagation private --mount-proc="$w/proc" -- chroot "$w" "$@"
}

chroot_base_key() {
    printf '%s|%s|%s|%s|%s' "$1" minbase "$CHROOT_SUITE_PACKAGES" "$2" "$(dpkg --print-architecture)" | md5sum | cut -c1-12
}

# The cached base tarball (debootstrap once). Prints its path.
chroot_base_tarball() {
    local suite mirror key tarball base
    suite=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-bookworm}")
    mirror=${KMODPS_LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
    key=$(chroot_base_key "$suite" "$mirror")
    tarball=$LABDIR/cache/debian-chroot-base-$suite-$key.tar.zst
    if [[ ! -f $tarball ]]; then
        base=$LABDIR/.work/debootstrap-root
        rm -rf "$base"
        mkdir -p "$base" "$LABDIR/cache/debootstrap"
        log "debian-chroot: debootstrap --variant=minbase $suite (once; cached as ${tarball##*/})"
        run_logged "$LABDIR/logs/debian-chroot-debootstrap.log" debootstrap --variant=minbase \
            --cache-dir="$LABDIR/cache/debootstrap" --include="$CHROOT_SUITE_PACKAGES" "$suite" "$base" "$mirror"
        chroot_world_run "$base" apt-get clean
        rm -rf "$base"/var/lib/apt/lists/* "$base"/var/log/*.log "$base"/var/cache/debconf/*-old
        tar -C "$base" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        rm -rf "$base"
    fi
    printf '%s' "$tarball"
}

# Kernel image files (boot/*, lib/modules/<k>) as hard links into the unpack cache; not registered in the
# world's dpkg database (their maintainer scripts would run the initramfs and boot loader hooks).
chroot_add_image() {
    local w=$1 k=$2 d
    d=$(deb_unpacked "$(cached_deb "linux-image-$k")")
    cp -al "$d/root/boot/." "$w/boot/"
    mkdir -p "$w/usr/lib/modules"
    cp -al "$d/root/lib/modules/$k" "$w/usr/lib/modules/"
}

# The base plus the headers of both kernels (kbuild and the compiler metapackage are shared) and
# v4l2loopback-dkms, installed by the world's own dpkg, cached as a second tarball keyed by the base and
# the .deb file names (dpkg -i of two headers-common packages is the slow part). /etc/dkms/no-autoinstall
# keeps the packages' hooks from building anything. Prints the tarball's path.
chroot_prepared_tarball() {
    local k=$1 k_old=$2 base kbuild pkg deb key tarball w
    local -a debs=() names=()
    base=$(chroot_base_tarball)
    kbuild=$(kbuild_pkg_for_abi "$k")
    for pkg in "linux-headers-$k" "linux-headers-${k%-amd64}-common" "linux-headers-$k_old" "linux-headers-${k_old%-amd64}-common" \
        "$kbuild" linux-compiler-gcc-12-x86 v4l2loopback-dkms; do
        deb=$(cached_deb "$pkg")
        debs+=("$deb")
        names+=("${deb##*/}")
    done
    key=$(printf '%s|%s' "${base##*/}" "${names[*]}" | md5sum | cut -c1-12)
    tarball=$LABDIR/cache/debian-chroot-prepared-$key.tar.zst
    if [[ ! -f $tarball ]]; then
        w=$LABDIR/.work/chroot-prepared
        rm -rf "$w"
        mkdir -p "$w"
        log "debian-chroot: dpkg -i ${names[*]} (once; cached as ${tarball##*/})"
        zstd -dc -T0 "$base" | tar -C "$w" --numeric-owner -xpf -
        for deb in "${debs[@]}"; do
            cp -l "$deb" "$w/var/cache/apt/archives/" 2>/dev/null || cp "$deb" "$w/var/cache/apt/archives/"
        done
        touch "$w/etc/dkms/no-autoinstall"
        run_logged "$LABDIR/logs/debian-chroot.log" chroot_world_run "$w" dpkg --force-unsafe-io -i "${names[@]/#//var/cache/apt/archives/}"
        rm -f "$w/etc/dkms/no-autoinstall" "$w"/var/cache/apt/archives/*.deb
        [[ -z $(chroot_world_run "$w" dpkg --audit) ]] || die "debian-chroot: dpkg --audit reports unconfigured packages"
        tar -C "$w" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        rm -rf "$w"
    fi
    printf '%s' "$tarball"
}

build_debian_chroot() {
    local w=$LABDIR/debian-chroot k=$DEB_ABI k_old=$DEB_OLD_ABI
    local logf=$LABDIR/logs/debian-chroot.log start=$SECONDS
    local tarball v4l_ver out expected
    need_cmd debootstrap zstd chroot unshare
    log "debian-chroot: world $w (chroot-able; $k and $k_old both with headers)"
    tarball=$(chroot_prepared_tarball "$k" "$k_old")
    log "debian-chroot: extracting ${tarball##*/}"
    new_world "$w"
    zstd -dc -T0 "$tarball" | tar -C "$w" --numeric-owner -xpf -
    [[ -x $w/usr/sbin/dkms && -x $w/usr/bin/gcc && -x $w/usr/bin/make ]] || die "${tarball##*/} lacks dkms/gcc/make"
    chroot_world_run "$w" test -d "/lib/modules/$k/build/include" -a -d "/lib/modules/$k_old/build/include" ||
        die "debian-chroot: headers of $k or $k_old are not reachable through lib/modules/<k>/build"

    log "debian-chroot: kernel images $k and $k_old (hard links into cache/unpacked), depmod"
    chroot_add_image "$w" "$k"
    chroot_add_image "$w" "$k_old"
    run_logged "$logf" chroot_world_run "$w" depmod "$k"
    run_logged "$logf" chroot_world_run "$w" depmod "$k_old"

    mkdir -p "$w/var/lib/dkms"
    if [[ -f /var/lib/dkms/mok.key && -f /var/lib/dkms/mok.pub ]]; then
        cp -p /var/lib/dkms/mok.key /var/lib/dkms/mok.pub "$w/var/lib/dkms/"
    fi

    v4l_ver=$(chroot_world_run "$w" dpkg-query -W -f='${Version}' v4l2loopback-dkms)
    v4l_ver=${v4l_ver#*:}
    v4l_ver=${v4l_ver%-*}
    log "debian-chroot: dkms add/install v4l2loopback/$v4l_ver for $k (real build inside the chroot)"
    run_logged "$logf" chroot_world_run "$w" dkms add -m v4l2loopback -v "$v4l_ver"
    run_logged "$logf" chroot_world_run "$w" dkms install -m v4l2loopback -v "$v4l_ver" -k "$k"
    chroot_make_stale "$w" v4l2loopback "$v4l_ver" "$k"

    # A module whose dkms.conf is broken (MAKE[0]="false"): every build fails with dkms exit code 10.
    log "debian-chroot: dkms add lab-broken/1.0 (its MAKE fails)"
    mkdir -p "$w/usr/src/lab-broken-1.0"
    sed 's/lab_added/lab_broken/g' "$LAB_SRC_DIR/src/lab-added/lab_added.c" >"$w/usr/src/lab-broken-1.0/lab_broken.c"
    sed 's/lab_added/lab_broken/g' "$LAB_SRC_DIR/src/lab-added/Makefile" >"$w/usr/src/lab-broken-1.0/Makefile"
    cat >"$w/usr/src/lab-broken-1.0/dkms.conf" <<'EOF'
PACKAGE_NAME="lab-broken"
PACKAGE_VERSION="1.0"
BUILT_MODULE_NAME[0]="lab_broken"
DEST_MODULE_LOCATION[0]="/updates/dkms"
# Deliberately broken for the KmodPS lab: the build command fails, so dkms exits 10.
MAKE[0]="false"
CLEAN="true"
AUTOINSTALL="yes"
EOF
    run_logged "$logf" chroot_world_run "$w" dkms add -m lab-broken -v 1.0

    out=$(chroot_world_run "$w" dkms status 2>/dev/null)
    printf '%s\n' "$out" >"$LABDIR/debian-chroot.dkms-status"
    expected=$(printf '%s\n' "lab-broken/1.0: added" "v4l2loopback/$v4l_ver, $k, x86_64: installed")
    log "debian-chroot: dkms status:"
    sed 's/^/    /' <<<"$out" >&2
    [[ $out == "$expected" ]] || die "debian-chroot: unexpected dkms status; expected:
$expected"
    [[ -f $w/usr/lib/modules/$k/updates/dkms/v4l2loopback.ko && ! -e $w/usr/lib/modules/$k_old/updates/dkms/v4l2loopback.ko ]] ||
        die "debian-chroot: v4l2loopback should be installed for $k only"
    DEB_CHROOT_V4L_VER=$v4l_ver
    DEB_CHROOT_DKMS=$(chroot_world_run "$w" dkms --version)
    DEB_CHROOT_BASE=${tarball##*/}
    log "debian-chroot: built in $((SECONDS - start))s"
}

# As make_build_stale in debian.sh (dkms#364), for files that already have their own inodes (dpkg wrote them).
chroot_make_stale() {
    local w=$1 m=$2 v=$3 k=$4
    local makelog=/var/lib/dkms/$m/$v/$k/x86_64/log/make.log
    local -a newer=("/usr/src/linux-headers-$k/.config" "/usr/src/linux-headers-$k/Module.symvers")
    [[ -f $w$makelog ]] || die "no make.log at $w$makelog"
    sleep 1
    touch "${newer[@]/#/$w}"
    {
        echo "# debian-chroot stale DKMS build, written by tests/lab/lib/chroot-world.sh"
        stale_record "$w" "$makelog" "$m" "$v" "$k" "${newer[@]}"
        echo "newer_mtime=$(date -u -r "$w${newer[0]}" +%Y-%m-%dT%H:%M:%S.%NZ)"
    } >"$LABDIR/debian-chroot.stale"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    set -euo pipefail
    case ${1:-} in
        run)
            (($# >= 3)) || { echo "usage: $0 run <world> <command...>" >&2; exit 2; }
            shift
            world=$(realpath "$1")
            shift
            chroot_world_run "$world" "$@"
            ;;
        *)
            echo "usage: $0 run <world> <command...>   (build.sh sources this file for build_debian_chroot)" >&2
            exit 2
            ;;
    esac
fi
