# shellcheck shell=bash
# Shared helpers for the KmodPS lab scripts. Sourced, never executed.

LAB_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LAB_SRC_DIR

log() { printf '\033[1m[lab %s]\033[0m %s\n' "$(date +%T)" "$*" >&2; }
die() { printf '[lab] ERROR: %s\n' "$*" >&2; exit 1; }

need_cmd() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "missing command '$c' (run tests/lab/install.sh)"
    done
}

# Deterministic hex string of length $2 derived from seed $1, so that rebuilding a
# world yields the same machine-id / UUIDs and tests can rely on stable values.
lab_hex() {
    local seed=$1 len=${2:-32} out=''
    local n=0
    while ((${#out} < len)); do
        out+=$(printf '%s:%s' "$seed" "$n" | md5sum | cut -c1-32)
        n=$((n + 1))
    done
    printf '%s' "${out:0:len}"
}

lab_uuid() {
    local h
    h=$(lab_hex "$1" 32)
    printf '%s-%s-4%s-a%s-%s' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}

# Debian kernel ABI (e.g. 6.1.0-56-amd64) that the installed linux-headers-amd64
# metapackage currently points at.
debian_current_abi() {
    local dep
    dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) ||
        die "linux-headers-amd64 is not installed"
    dep=${dep%%[ ,]*}
    dep=${dep#linux-headers-}
    [[ $dep =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-amd64$ ]] || die "cannot parse ABI from linux-headers-amd64 Depends: $dep"
    printf '%s' "$dep"
}

# Highest signed linux-image ABI of the same upstream series that apt offers and
# that is older than $1.
debian_older_abi() {
    local cur=$1 series num best=''
    series=${cur%-*-amd64}   # 6.1.0
    num=${cur#"$series"-}    # 56-amd64
    num=${num%-amd64}        # 56
    best=$(apt-cache search --names-only "^linux-image-${series//./\\.}-[0-9]+-amd64\$" |
        awk '{print $1}' | sed -E "s/^linux-image-${series//./\\.}-([0-9]+)-amd64\$/\\1/" |
        awk -v n="$num" '$1 ~ /^[0-9]+$/ && $1 < n' | sort -n | tail -n1)
    [[ -n $best ]] || die "apt offers no linux-image-${series}-N-amd64 older than $cur"
    printf '%s-%s-amd64' "$series" "$best"
}

# `apt-get download` into the lab cache, once. Prints the path of the .deb.
# $1 = package name, $2 = optional exact version.
cached_deb() {
    local pkg=$1 ver=${2:-} cache=$LABDIR/cache f
    mkdir -p "$cache"
    if [[ -z $ver ]]; then
        ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
        [[ -n $ver && $ver != '(none)' ]] || die "apt has no candidate for $pkg"
    fi
    f=$(find "$cache" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_*.deb" -print -quit)
    if [[ -z $f ]]; then
        log "apt-get download $pkg=$ver"
        # _apt must be able to write the target directory, otherwise apt warns
        # and downloads unsandboxed; a private temp dir keeps the cache clean.
        local tmp
        tmp=$(mktemp -d "$cache/.dl.XXXXXX")
        chmod 0777 "$tmp"
        if ! (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1); then
            # Stale package lists are the usual cause; refresh once and retry.
            log "apt-get download $pkg=$ver failed; running apt-get update and retrying"
            apt-get update -q >/dev/null
            (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null) ||
                die "apt-get download $pkg=$ver failed (is $pkg=$ver still in the archive? try: apt-get update && apt-get install --only-upgrade linux-headers-amd64)"
        fi
        mv "$tmp"/*.deb "$cache/"
        rm -rf "$tmp"
        f=$(find "$cache" -maxdepth 1 -name "${pkg}_${ver//:/%3a}_*.deb" -print -quit)
    fi
    [[ -n $f ]] || die "download of $pkg=$ver did not produce a .deb"
    printf '%s' "$f"
}

# Fresh, empty world directory.
new_world() {
    local w=$1
    rm -rf "$w"
    mkdir -p "$w"
}

# The key=value body of a LABDIR/<world>.stale record: which DKMS build was made stale and by which files.
#   stale_record <world> <make.log path in the world> <module> <version> <kernel> <newer file>...
stale_record() {
    local w=$1 makelog=$2 m=$3 v=$4 k=$5 f
    shift 5
    echo "module=$m"
    echo "version=$v"
    echo "kernel=$k"
    echo "arch=x86_64"
    echo "state=installed"
    echo "build_log=$makelog"
    echo "build_log_mtime=$(date -u -r "$w$makelog" +%Y-%m-%dT%H:%M:%S.%NZ)"
    for f in "$@"; do
        echo "newer=$f"
    done
}
