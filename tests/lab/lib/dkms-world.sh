#!/bin/bash
# Run the real dkms against a lab world as if the world were the running system.
#
#   tests/lab/lib/dkms-world.sh <world> <dkms arguments...>
#   tests/lab/lib/dkms-world.sh /tmp/kmodps-lab/debian-dkms status
#
# Two modes (KMODPS_LAB_DKMS_MODE=auto|ns|options, default auto):
#
#  ns       A private mount namespace (unshare -m) bind-mounts the world's
#           /usr/src, /var/lib/dkms, /lib/modules, /etc/dkms, /boot and
#           /usr/lib/linux-kbuild-* over the host paths, then runs plain `dkms`.
#           The tree dkms writes is exactly what it writes on a real host
#           (e.g. source -> /usr/src/<m>-<v>, depmod runs on the world).
#           The host's mounts are never changed.
#  options  Used when unshare is not permitted (unprivileged containers):
#           dkms --dkmstree/--sourcetree/--installtree/--kernelsourcedir point
#           into the world, signing paths come from the environment, depmod is
#           run by this script with -b <world>. Because dkms would record
#           `source -> <world>/usr/src/...`, the `source` links are pointed into
#           the world only while dkms runs and are put back to /usr/src/<m>-<v>
#           (what dkms writes on a real system) afterwards.
set -euo pipefail

bind_paths() {
    local w=$1 p
    printf '%s\n' /usr/src /var/lib/dkms /lib/modules /etc/dkms /boot
    for p in "$w"/usr/lib/linux-kbuild-*; do
        [[ -d $p ]] && printf '%s\n' "${p#"$w"}"
    done
    return 0
}

ns_possible() {
    local w=$1 p
    command -v unshare >/dev/null || return 1
    while read -r p; do
        [[ -d $p && -d $w$p ]] || return 1
    done < <(bind_paths "$w")
    unshare --mount --propagation private true 2>/dev/null
}

run_inside_ns() {
    local w=$1 p
    shift
    while read -r p; do
        mount --bind "$w$p" "$p"
    done < <(bind_paths "$w")
    exec dkms "$@"
}

# --- options mode -------------------------------------------------------------

kernels_in_args() {
    local prev='' a
    for a in "$@"; do
        if [[ $prev == -k || $prev == --kernelver ]]; then
            printf '%s\n' "${a%%/*}"
        elif [[ $a == --kernelver=* ]]; then
            a=${a#--kernelver=}
            printf '%s\n' "${a%%/*}"
        fi
        prev=$a
    done
}

action_in_args() {
    local a
    for a in "$@"; do
        case $a in
            add | build | install | uninstall | remove | unbuild | autoinstall | status | match | mktarball | ldtarball)
                printf '%s' "$a"
                return
                ;;
        esac
    done
}

# Point every <dkmstree>/<m>/<v>/source link at $2-prefixed /usr/src (or back).
relink_sources() {
    local w=$1 prefix=$2 link target
    for link in "$w"/var/lib/dkms/*/*/source; do
        [[ -L $link ]] || continue
        target=$(readlink "$link")
        target=${target#"$w"}
        ln -sfn "$prefix$target" "$link"
    done
}

run_options_mode() {
    local w=$1
    shift
    local -a extra=(--dkmstree "$w/var/lib/dkms" --sourcetree "$w/usr/src" --installtree "$w/lib/modules")
    local action k kdir kbuild rc=0
    local -a kernels
    action=$(action_in_args "$@")
    mapfile -t kernels < <(kernels_in_args "$@")
    case $action in
        build | install | autoinstall | uninstall | remove | unbuild) extra+=(--no-depmod) ;;
    esac
    if ((${#kernels[@]} == 1)) && [[ $action =~ ^(build|install|autoinstall)$ ]]; then
        k=${kernels[0]}
        kdir=$(readlink "$w/lib/modules/$k/build" 2>/dev/null || true)
        [[ -n $kdir ]] && extra+=(--kernelsourcedir "$w${kdir#"$w"}")
    fi
    kbuild=$(find "$w/usr/lib" -maxdepth 1 -name 'linux-kbuild-*' -print -quit 2>/dev/null || true)
    export mok_signing_key="$w/var/lib/dkms/mok.key" mok_certificate="$w/var/lib/dkms/mok.pub"
    [[ -n $kbuild ]] && export sign_file="$kbuild/scripts/sign-file"

    relink_sources "$w" "$w"
    dkms "${extra[@]}" "$@" || rc=$?
    relink_sources "$w" ""
    if ((rc == 0)) && [[ $action =~ ^(install|autoinstall|uninstall|remove)$ ]]; then
        for k in "${kernels[@]}"; do
            [[ -d $w/lib/modules/$k ]] && depmod -b "$w" "$k"
        done
    fi
    return "$rc"
}

main() {
    if [[ ${1:-} == --inside-ns ]]; then
        shift
        run_inside_ns "$@"
    fi
    if [[ ${1:-} == --probe-mode ]]; then
        if ns_possible "$(realpath "$2")"; then echo ns; else echo options; fi
        return
    fi
    (($# >= 2)) || { echo "usage: $0 <world> <dkms args...>" >&2; exit 2; }
    local w mode=${KMODPS_LAB_DKMS_MODE:-auto}
    w=$(realpath "$1")
    shift
    if [[ $mode == auto ]]; then
        if ns_possible "$w"; then mode=ns; else mode=options; fi
    fi
    # dkms runs `rpm -qf /lib/modules/<k>` to guess the arch; Debian's rpm would
    # open the caller's ~/.rpmdb. A throw-away HOME keeps that away from the host.
    local home rc=0
    home=$(mktemp -d)
    case $mode in
        ns) HOME=$home unshare --mount --propagation private -- "$0" --inside-ns "$w" "$@" || rc=$? ;;
        options) HOME=$home run_options_mode "$w" "$@" || rc=$? ;;
        *) echo "KMODPS_LAB_DKMS_MODE must be auto, ns or options" >&2; rc=2 ;;
    esac
    rm -rf "$home"
    return "$rc"
}

main "$@"
