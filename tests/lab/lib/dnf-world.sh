#!/bin/bash
# Run the real dnf (Debian's dnf 4) against a lab AlmaLinux world, hermetically.
#
#   tests/lab/lib/dnf-world.sh <world> <dnf arguments...>
#   tests/lab/lib/dnf-world.sh /tmp/kmodps-lab/alma-nvidia-after -C list --installed 'kernel*'
#
# - Config, repos, vars, cache, logs, history and the rpmdb all come from / go
#   to the world: --installroot plus explicit --config/reposdir/varsdir. dnf
#   itself prefixes cachedir/logdir/persistdir with the installroot; passing
#   them with --setopt makes dnf 4.14 prefix them twice
#   (<world><world>/var/log/dnf.log), so they are left at their defaults.
# - Plugin configuration comes from the world's etc/dnf/plugins, copied to a
#   temp dir with versionlock's `locklist` prefixed by the world: the dnf 4
#   versionlock plugin opens `locklist` as a host path even with --installroot
#   (`versionlock add` would otherwise edit the host's list). The Debian
#   plugins that write to fixed host paths regardless of --installroot are
#   disabled: local (/var/lib/dnf/plugins/local), generate_completion_cache
#   (/var/cache/dnf/packages.db), post-transaction-actions (host actiondir).
# - Debian's rpm keeps its database in ~/.rpmdb (%_dbpath); AlmaLinux uses
#   /var/lib/rpm. A throw-away HOME with an .rpmmacros sets that for dnf.
#   For plain rpm use: rpm --root <world> --dbpath /var/lib/rpm -q ...
set -euo pipefail

(($# >= 2)) || { echo "usage: $0 <world> <dnf args...>" >&2; exit 2; }
w=$(realpath "$1")
shift
[[ -f $w/etc/dnf/dnf.conf ]] || { echo "$w/etc/dnf/dnf.conf missing: not an AlmaLinux lab world" >&2; exit 2; }

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
printf '%%_dbpath /var/lib/rpm\n' >"$home/.rpmmacros"
mkdir "$home/plugins"
for f in "$w"/etc/dnf/plugins/*.conf; do
    [[ -f $f ]] || continue
    sed -E "s#^([[:space:]]*locklist[[:space:]]*=[[:space:]]*)(/.*)\$#\\1$w\\2#" "$f" >"$home/plugins/${f##*/}"
done

HOME=$home dnf \
    --installroot="$w" \
    --config="$w/etc/dnf/dnf.conf" \
    --setopt=reposdir="$w/etc/yum.repos.d" \
    --setopt=varsdir="$w/etc/dnf/vars" \
    --setopt=pluginconfpath="$home/plugins" \
    --releasever=9 \
    --disableplugin=local,generate_completion_cache,post-transaction-actions \
    "$@"
