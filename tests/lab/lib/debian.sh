# shellcheck shell=bash
# Debian world helpers: a dpkg database written from real .deb control data and
# real host package files, plus the debian-dkms world. Sourced by build.sh.

# Stanzas are collected one file per package and assembled (sorted, as dpkg
# keeps them) by dpkg_db_finish.
dpkg_db_init() {
    local w=$1
    mkdir -p "$w/var/lib/dpkg/info" "$w/var/lib/dpkg/updates" "$w/var/lib/dpkg/triggers" \
        "$w/var/lib/dpkg/.lab-stanzas"
    : >"$w/var/lib/dpkg/available"
    : >"$w/var/lib/dpkg/diversions"
    : >"$w/var/lib/dpkg/statoverride"
}

dpkg_db_finish() {
    local w=$1 f first=1
    local -a names
    mapfile -t names < <(find "$w/var/lib/dpkg/.lab-stanzas" -type f -printf '%f\n' | LC_ALL=C sort)
    {
        for f in "${names[@]}"; do
            ((first)) || echo
            first=0
            cat "$w/var/lib/dpkg/.lab-stanzas/$f"
        done
    } >"$w/var/lib/dpkg/status"
    rm -rf "$w/var/lib/dpkg/.lab-stanzas"
}

# A .deb unpacked once into LABDIR/cache/unpacked/<deb>/: root/ (the data
# archive), files.list (the member list in dpkg's .list form) and control/.
# Prints that directory.
deb_unpacked() {
    local deb=$1 d tmp
    d=$LABDIR/cache/unpacked/$(basename "$deb" .deb)
    if [[ ! -f $d/.complete ]]; then
        rm -rf "$d"
        tmp=$d.tmp.$BASHPID
        rm -rf "$tmp"
        mkdir -p "$tmp/root" "$tmp/control"
        dpkg-deb -e "$deb" "$tmp/control"
        dpkg-deb --fsys-tarfile "$deb" | tar -C "$tmp/root" -xpvf - |
            sed -e 's#^\./$#/.#' -e 't' -e 's#^\.##' -e 's#/$##' >"$tmp/files.list"
        touch "$tmp/.complete"
        mv "$tmp" "$d"
    fi
    printf '%s' "$d"
}

# Install a .deb into the world and register it the way dpkg would have:
# status stanza from the deb's control file, info/<pkg>.list from the archive
# member list, maintainer scripts and md5sums into info/. Maintainer scripts are
# NOT run (they would call the host's initramfs/bootloader hooks).
# The files are hard links into the unpack cache (a kernel image is ~400 MB);
# depmod and dkms replace or add files rather than rewrite them in place.
deb_install_into_world() {
    local w=$1 deb=$2 pkg d f base
    pkg=$(dpkg-deb -f "$deb" Package)
    d=$(deb_unpacked "$deb")
    cp -al "$d/root/." "$w/" 2>/dev/null || cp -a "$d/root/." "$w/"
    cp "$d/files.list" "$w/var/lib/dpkg/info/$pkg.list"
    for f in "$d"/control/*; do
        base=${f##*/}
        case $base in
            control | conffiles) ;;
            *) cp -p "$f" "$w/var/lib/dpkg/info/$pkg.$base" ;;
        esac
    done
    awk 'NR == 1 && /^Package:/ { print; print "Status: install ok installed"; next } { print }' \
        "$d/control/control" >"$w/var/lib/dpkg/.lab-stanzas/$pkg"
}

# Copy an installed host package (files from its .list, stanza from the host
# status file, info/ files) into the world. The files are copied once per
# package version into LABDIR/cache/host/ and hard-linked from there.
host_pkg_into_world() {
    local w=$1 pkg=$2 d
    dpkg-query -s "$pkg" | sed '/^$/d' >"$w/var/lib/dpkg/.lab-stanzas/$pkg"
    cp -p /var/lib/dpkg/info/"$pkg".* "$w/var/lib/dpkg/info/" 2>/dev/null || true
    cp -p /var/lib/dpkg/info/"$pkg":*.* "$w/var/lib/dpkg/info/" 2>/dev/null || true
    d=$(host_pkg_cached "$pkg")
    cp -al "$d/root/." "$w/" 2>/dev/null || cp -a "$d/root/." "$w/"
}

host_pkg_cached() {
    local pkg=$1 d tmp lst
    d=$LABDIR/cache/host/${pkg}_$(dpkg-query -W -f='${Version}' "$pkg" | tr ':' '%')
    if [[ ! -f $d/.complete ]]; then
        rm -rf "$d"
        tmp=$d.tmp.$BASHPID
        rm -rf "$tmp"
        mkdir -p "$tmp/root"
        lst=$tmp/files
        # Paths that other listed paths live under are directories to dpkg; if
        # the host has them as symlinks (merged /usr: /lib -> usr/lib) create
        # real directories instead of copying the alias link. (A temp file, not
        # a pipe, feeds the loop: bash reads pipes one byte at a time.)
        dpkg-query -L "$pkg" | LC_ALL=C sort -u | awk '
            $0 == "/." { next }
            { paths[NR] = $0; n = NR }
            END {
                for (i = 1; i <= n; i++) {
                    p = paths[i]; isdir = 0
                    if (i < n && index(paths[i + 1], p "/") == 1) isdir = 1
                    print isdir "\t" p
                }
            }' >"$lst.all"
        while IFS=$'\t' read -r isdir p; do
            if ((isdir)) && [[ -L $p ]]; then
                continue
            fi
            [[ -e $p || -L $p ]] && printf '%s\n' "${p#/}"
        done <"$lst.all" >"$lst"
        tar -C / --no-recursion -cf - -T "$lst" | tar -C "$tmp/root" -xpf -
        touch "$tmp/.complete"
        mv "$tmp" "$d"
    fi
    printf '%s' "$d"
}

# Files and stanzas the headers/dkms scenario needs from the host.
host_pkg_installed() {
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == 'ii ' ]]
}

host_pkgs_for_headers() {
    local abi=$1 p
    local -a deps
    printf '%s\n' "linux-headers-$abi" linux-headers-amd64 dkms
    mapfile -t deps < <(dpkg-query -W -f='${Depends}\n' "linux-headers-$abi" | tr ',' '\n' | awk '{print $1}')
    for p in "${deps[@]}"; do
        [[ -n $p ]] && host_pkg_installed "$p" && printf '%s\n' "$p"
    done
    host_pkg_installed v4l2loopback-dkms && printf '%s\n' v4l2loopback-dkms
    return 0
}

kbuild_pkg_for_abi() {
    local deps
    deps=$(dpkg-query -W -f='${Depends}\n' "linux-headers-$1" | tr ',' '\n' | awk '$1 ~ /^linux-kbuild-/ {print $1}')
    [[ -n $deps ]] || die "linux-headers-$1 does not depend on a linux-kbuild package"
    printf '%s' "${deps%%$'\n'*}"
}

debian_os_release() {
    local w=$1
    mkdir -p "$w/etc" "$w/usr/lib"
    cp -L /etc/os-release "$w/usr/lib/os-release"
    ln -s ../usr/lib/os-release "$w/etc/os-release"
    [[ -f /etc/debian_version ]] && cp /etc/debian_version "$w/etc/debian_version"
    return 0
}

# Run a command with its output going to a log; show the log tail on failure.
run_logged() {
    local logf=$1
    shift
    if ! "$@" >>"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "command failed (log: $logf): $*"
    fi
}

dkms_world() { "$LAB_SRC_DIR/lib/dkms-world.sh" "$@"; }

# ---------------------------------------------------------------------------
# debian-dkms: real kernel images, real headers, real dkms builds.
# ---------------------------------------------------------------------------
# The host's real apt sources and package lists, so 'apt-cache -o Dir=<world> policy' answers what the
# Debian archive really offers (for example which linux-headers-<abi> exist). Lists are hard links.
debian_apt_metadata() {
    local w=$1
    mkdir -p "$w/etc" "$w/var/lib/apt" "$w/var/cache/apt/archives/partial"
    cp -a /etc/apt "$w/etc/"
    if [[ -d /var/lib/apt/lists ]]; then
        cp -al /var/lib/apt/lists "$w/var/lib/apt/" 2>/dev/null || cp -a /var/lib/apt/lists "$w/var/lib/apt/"
    fi
}

build_debian_dkms() {
    local w=$LABDIR/debian-dkms k=$DEB_ABI k_old=$DEB_OLD_ABI
    local logf=$LABDIR/logs/debian-dkms.log
    local img img_old meta_ver meta pkg kbuild v4l_ver v4l_dir
    log "debian-dkms: world $w (kernel $k with headers, $k_old without)"
    new_world "$w"
    debian_os_release "$w"
    dpkg_db_init "$w"

    img=$(cached_deb "linux-image-$k")
    img_old=$(cached_deb "linux-image-$k_old")
    meta_ver=$(dpkg-query -W -f='${Version}' linux-headers-amd64)
    meta=$(cached_deb linux-image-amd64 "$meta_ver" 2>/dev/null) || meta=''

    # First run only: the two image unpacks are xz-bound, run them side by side.
    deb_unpacked "$img" >/dev/null &
    local pid1=$!
    deb_unpacked "$img_old" >/dev/null &
    local pid2=$!
    wait "$pid1"
    wait "$pid2"
    deb_install_into_world "$w" "$img"
    deb_install_into_world "$w" "$img_old"
    [[ -n $meta ]] && deb_install_into_world "$w" "$meta"

    while read -r pkg; do
        host_pkg_into_world "$w" "$pkg"
    done < <(host_pkgs_for_headers "$k")
    # A build host has a compiler: DKMS needs one (Test-KernelUpdate checks it).
    for pkg in gcc gcc-12 make; do
        host_pkg_into_world "$w" "$pkg"
    done
    dpkg_db_finish "$w"

    [[ -L $w/lib/modules/$k/build ]] || die "linux-headers-$k did not provide lib/modules/$k/build"
    [[ ! -e $w/lib/modules/$k_old/build ]] || die "older kernel $k_old unexpectedly has headers"

    depmod -b "$w" "$k"
    depmod -b "$w" "$k_old"
    debian_apt_metadata "$w"

    mkdir -p "$w/var/lib/dkms"
    if [[ -f /var/lib/dkms/mok.key && -f /var/lib/dkms/mok.pub ]]; then
        cp -p /var/lib/dkms/mok.key /var/lib/dkms/mok.pub "$w/var/lib/dkms/"
        DKMS_MOK_ORIGIN="copied from the host's /var/lib/dkms"
    else
        DKMS_MOK_ORIGIN="generated by dkms itself on the first build in the world"
    fi

    if [[ ${KMODPS_LAB_DKMS_MODE:-auto} == auto ]]; then
        KMODPS_LAB_DKMS_MODE=$("$LAB_SRC_DIR/lib/dkms-world.sh" --probe-mode "$w")
    fi
    export KMODPS_LAB_DKMS_MODE
    DKMS_MODE=$KMODPS_LAB_DKMS_MODE
    log "debian-dkms: running dkms in '$DKMS_MODE' mode (see lib/dkms-world.sh)"

    kbuild=$(kbuild_pkg_for_abi "$k")
    v4l_ver=$(dpkg-query -W -f='${Version}' v4l2loopback-dkms)
    v4l_ver=${v4l_ver#*:}
    v4l_ver=${v4l_ver%-*}
    v4l_dir=$w/usr/src/v4l2loopback-$v4l_ver
    [[ -f $v4l_dir/dkms.conf ]] || die "v4l2loopback-dkms did not provide $v4l_dir/dkms.conf"

    log "debian-dkms: dkms add/build/install v4l2loopback/$v4l_ver for $k"
    run_logged "$logf" dkms_world "$w" add -m v4l2loopback -v "$v4l_ver"
    run_logged "$logf" dkms_world "$w" build -m v4l2loopback -v "$v4l_ver" -k "$k"
    run_logged "$logf" dkms_world "$w" install -m v4l2loopback -v "$v4l_ver" -k "$k"

    make_build_stale "$w" v4l2loopback "$v4l_ver" "$k" "$kbuild"

    local v2=$v4l_ver.1
    log "debian-dkms: dkms add/build v4l2loopback/$v2 for $k (not installed)"
    cp -a "$v4l_dir" "$w/usr/src/v4l2loopback-$v2"
    sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$v2\"/" "$w/usr/src/v4l2loopback-$v2/dkms.conf"
    run_logged "$logf" dkms_world "$w" add -m v4l2loopback -v "$v2"
    run_logged "$logf" dkms_world "$w" build -m v4l2loopback -v "$v2" -k "$k"

    log "debian-dkms: dkms add lab-added/1.0 (state added only)"
    cp -a "$LAB_SRC_DIR/src/lab-added" "$w/usr/src/lab-added-1.0"
    run_logged "$logf" dkms_world "$w" add -m lab-added -v 1.0

    verify_debian_dkms "$w" "$k" "$v4l_ver" "$v2"
    DEB_V4L_VER=$v4l_ver
    DEB_KBUILD=$kbuild
}

# dkms (#364) does not rebuild when headers/kbuild change without a version
# change. Reproduce that: after the build, give the build's headers and kbuild
# a newer mtime, as an upgrade of linux-kbuild-X.Y / a rebuilt headers package
# would. The timestamps are real `touch` times, strictly after make.log.
make_build_stale() {
    local w=$1 m=$2 v=$3 k=$4 kbuild=$5
    local makelog=/var/lib/dkms/$m/$v/$k/x86_64/log/make.log
    local -a newer=("/usr/src/linux-headers-$k/.config" "/usr/src/linux-headers-$k/Module.symvers")
    local kdir=/usr/lib/$kbuild f n_kbuild
    [[ -f $w$makelog ]] || die "no make.log at $w$makelog"
    sleep 1
    # World files are hard links into the cache: give each file to be touched
    # its own inode first.
    while IFS= read -r -d '' f; do
        cp -p "$f" "$f.lab-unlink" && mv -f "$f.lab-unlink" "$f"
    done < <(find "${newer[@]/#/$w}" "$w$kdir" -type f -print0)
    touch "${newer[@]/#/$w}"
    n_kbuild=$(find "$w$kdir" -type f | wc -l)
    find "$w$kdir" -type f -exec touch {} +
    for f in "/var/lib/dpkg/info/linux-headers-$k.list" "/var/lib/dpkg/info/linux-headers-$k.md5sums" \
        "/var/lib/dpkg/info/$kbuild.list" "/var/lib/dpkg/info/$kbuild.md5sums"; do
        [[ -f $w$f ]] && touch "$w$f" && newer+=("$f")
    done
    {
        echo "# debian-dkms stale DKMS build, written by tests/lab/build.sh"
        echo "# Paths are inside the world. After dkms built $m/$v for $k, the files"
        echo "# below were touched (mtime set to 'now'), as if linux-kbuild/headers had been"
        echo "# upgraded in place without an ABI change; dkms itself does not notice (dkms#364)."
        stale_record "$w" "$makelog" "$m" "$v" "$k" "${newer[@]}"
        echo "newer_tree=$kdir ($n_kbuild regular files)"
        echo "newer_mtime=$(date -u -r "$w${newer[0]}" +%Y-%m-%dT%H:%M:%S.%NZ)"
        echo "not_stale=$m/$v.1 (built for $k after the touch, not installed)"
    } >"$LABDIR/debian-dkms.stale"
    sleep 1
}

verify_debian_dkms() {
    local w=$1 k=$2 v=$3 v2=$4 out expected ko cn signer
    out=$(dkms_world "$w" status)
    expected=$(printf '%s\n' "lab-added/1.0: added" \
        "v4l2loopback/$v, $k, x86_64: installed" \
        "v4l2loopback/$v2, $k, x86_64: built")
    printf '%s\n' "$out" >"$LABDIR/debian-dkms.dkms-status"
    log "debian-dkms: dkms status:"
    sed 's/^/    /' <<<"$out" >&2
    [[ $out == "$expected" ]] || die "unexpected dkms status; expected:
$expected"
    if [[ $KMODPS_LAB_DKMS_MODE == ns ]]; then
        out=$(KMODPS_LAB_DKMS_MODE=options dkms_world "$w" status)
        [[ $out == "$expected" ]] || die "dkms status with --dkmstree/--sourcetree/--installtree differs:
$out"
    fi

    cn=$(openssl x509 -inform DER -in "$w/var/lib/dkms/mok.pub" -noout -subject -nameopt multiline |
        sed -n 's/^ *commonName *= //p')
    for ko in "$w/var/lib/dkms/v4l2loopback/$v/$k/x86_64/module/v4l2loopback.ko" \
        "$w/lib/modules/$k/updates/dkms/v4l2loopback.ko" \
        "$w/var/lib/dkms/v4l2loopback/$v2/$k/x86_64/module/v4l2loopback.ko"; do
        [[ -f $ko ]] || die "missing $ko"
        signer=$(modinfo -F signer "$ko")
        [[ $signer == "$cn" ]] || die "$ko is signed by '$signer', expected the dkms MOK '$cn'"
        [[ $(modinfo -F vermagic "$ko") == "$k "* ]] || die "$ko has the wrong vermagic"
    done
    grep -q "updates/dkms/v4l2loopback.ko" "$w/lib/modules/$k/modules.dep" ||
        die "depmod did not pick up the dkms module in $w/lib/modules/$k/modules.dep"
    dpkg-query --admindir="$w/var/lib/dpkg" -W "linux-image-$k" "linux-image-$DEB_OLD_ABI" \
        "linux-headers-$k" v4l2loopback-dkms dkms >/dev/null || die "world dpkg database is incomplete"
}
