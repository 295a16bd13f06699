# shellcheck shell=bash
# SUSE seed: synthetic SLES 15 SP6 kernel-default RPMs with ksym() Provides, a KMP built from
# real v4l2loopback sources with ksym() Requires (rpmbuild), a repository (createrepo_c) and
# the world suse-kmp, installed with the real rpm and queried with the real zypper (Debian's,
# unpacked by tests/lab/install.sh). Sourced by build.sh (after common.sh and debian.sh:
# run_logged).

# shellcheck source=fakekernel.sh
source "$LAB_SRC_DIR/lib/fakekernel.sh"

SUSE_KVER=6.4.0
SUSE_RELEASES=(150600.23.25.1 150600.23.30.1 150600.23.33.1)
SUSE_ARCH=x86_64
SUSE_FLAVOR=default
SUSE_TITLE="SLES 15-SP6"
SUSE_KMP_NAME=v4l2loopback
# The release whose kernel changes the crc of one symbol the KMP uses (a kABI break).
SUSE_BREAK_RELEASE=150600.23.33.1

# Build dates printed into the fake vmlinuz version strings, one per kernel.
declare -A SUSE_BUILD_DATE=(
    [150600.23.25.1]="Mon Oct 7 08:02:12 UTC 2024 (9fc4b3b)"
    [150600.23.30.1]="Tue Nov 26 10:15:40 UTC 2024 (6f5ce72)"
    [150600.23.33.1]="Thu Dec 19 09:41:05 UTC 2024 (d2a1c5e)"
)

# 150600.23.25.1 -> 6.4.0-150600.23.25-default (the release minus its last dot-component).
suse_uname() { printf '%s-%s-%s' "$SUSE_KVER" "${1%.*}" "$SUSE_FLAVOR"; }

# The v4l2loopback module built from the host's v4l2loopback-dkms sources against a copy of the
# host's Debian headers whose release is <uname>: a real module (real __versions crcs of the
# Debian kernel, vermagic "<uname> SMP preempt mod_unload modversions "). Built once, cached in
# LABDIR/cache keyed by module version, uname and headers ABI. Prints the cached .ko's path.
#   suse_kmp_ko <uname> <headers abi> <v4l2loopback version>
suse_kmp_ko() {
    local k=$1 abi=$2 v=$3 f work hdr l vm
    f=$LABDIR/cache/suse-$SUSE_KMP_NAME-$v-$k-from-$abi.ko
    if [[ ! -f $f ]]; then
        hdr=/usr/src/linux-headers-$abi
        [[ -f $hdr/Module.symvers && -f $hdr/include/generated/utsrelease.h ]] || die "$hdr is incomplete"
        [[ -f /usr/src/$SUSE_KMP_NAME-$v/Makefile ]] || die "/usr/src/$SUSE_KMP_NAME-$v missing (v4l2loopback-dkms)"
        work=$LABDIR/.work/suse-ko
        rm -rf "$work"
        mkdir -p "$work"
        log "suse: building $SUSE_KMP_NAME $v for $k against a copy of linux-headers-$abi (once; cached as ${f##*/})"
        # Only the small arch tree is copied; its Makefile includes the -common tree by absolute path.
        cp -a "$hdr" "$work/headers"
        while IFS= read -r -d '' l; do
            ln -sfn "$(readlink -f "$hdr/${l##*/}")" "$l"
        done < <(find "$work/headers" -maxdepth 1 -type l -print0)
        printf '#define UTS_RELEASE "%s"\n' "$k" >"$work/headers/include/generated/utsrelease.h"
        [[ -f $work/headers/include/config/kernel.release ]] && printf '%s\n' "$k" >"$work/headers/include/config/kernel.release"
        [[ -f $work/headers/.kernelvariables ]] &&
            sed -i "s/^override KERNELRELEASE = .*/override KERNELRELEASE = $k/" "$work/headers/.kernelvariables"
        cp -a "/usr/src/$SUSE_KMP_NAME-$v" "$work/src"
        run_logged "$LABDIR/logs/suse.log" make -C "$work/headers" M="$work/src" modules
        vm=$(modinfo -F vermagic "$work/src/$SUSE_KMP_NAME.ko")
        [[ $vm == "$k SMP "*modversions* ]] || die "$SUSE_KMP_NAME.ko has vermagic '$vm', expected '$k SMP ...'"
        [[ -n $(modprobe --dump-modversions "$work/src/$SUSE_KMP_NAME.ko") ]] || die "$SUSE_KMP_NAME.ko has no __versions"
        cp "$work/src/$SUSE_KMP_NAME.ko" "$f.tmp"
        mv "$f.tmp" "$f"
        rm -rf "$work"
    fi
    printf '%s' "$f"
}

# Module.symvers with the crc of symbol $2 replaced by $3 (none when $2 is empty).
suse_symvers() {
    awk -F'\t' -v OFS='\t' -v b="$2" -v nc="$3" 'b != "" && $2 == b { $1 = "0x" nc } { print }' "$1"
}

# SUSE's kernel Provides: ksym(<flavor>:<symbol>) = <crc, 8 lower-case hex digits> per export.
suse_ksym_provides() {
    awk -F'\t' -v fl="$SUSE_FLAVOR" '{ printf "Provides: ksym(%s:%s) = %s\n", fl, $2, tolower(substr($1, 3)) }'
}

stage_suse_kernel() {
    local rel=$1 stage=$2 symvers=$3 k md
    k=$(suse_uname "$rel")
    md=$stage/lib/modules/$k
    mkdir -p "$stage/boot" "$md"
    make_vmlinuz "$stage/boot/vmlinuz-$k" "$k" \
        "(geeko@buildhost) (gcc (SUSE Linux) 7.5.0, GNU ld (GNU Binutils; SUSE Linux Enterprise 15) 2.41.0.20230908-150100.7.46) #1 SMP PREEMPT_DYNAMIC ${SUSE_BUILD_DATE[$rel]}"
    printf 'ffffffff81000000 T _text\nffffffff81000000 T startup_64\nffffffff82a00000 D _edata\n' >"$stage/boot/System.map-$k"
    cat >"$stage/boot/config-$k" <<EOF
#
# Automatically generated file; DO NOT EDIT.
# Linux/x86_64 $k Kernel Configuration
#
CONFIG_CC_VERSION_TEXT="gcc (SUSE Linux) 7.5.0"
CONFIG_LOCALVERSION="-$SUSE_FLAVOR"
CONFIG_SUSE_KERNEL=y
CONFIG_SUSE_PRODUCT_SLE=y
CONFIG_SUSE_VERSION=15
CONFIG_SUSE_PATCHLEVEL=6
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODVERSIONS=y
CONFIG_MODULE_SRCVERSION_ALL=y
CONFIG_MODULE_SIG=y
CONFIG_MODULE_SIG_SHA256=y
CONFIG_MODULE_SIG_HASH="sha256"
CONFIG_PREEMPT_DYNAMIC=y
CONFIG_VIDEO_DEV=m
EOF
    gzip -9n <"$symvers" >"$stage/boot/symvers-$k.gz"
    : >"$md/modules.order"
    printf '%s\n' kernel/drivers/ata/libata.ko kernel/fs/ext4/ext4.ko >"$md/modules.builtin"
    printf 'libata.version=3.00\0ext4.license=GPL\0' >"$md/modules.builtin.modinfo"
}

build_suse_repo() {
    local repo=$LABDIR/suse-repo work=$LABDIR/.work/suse logf=$LABDIR/logs/suse.log
    local rel k0 ko v4l_ver hdr kmpver
    local -a rb
    hdr=/usr/src/linux-headers-$DEB_ABI
    v4l_ver=$(dpkg-query -W -f='${Version}' v4l2loopback-dkms)
    v4l_ver=${v4l_ver#*:}
    v4l_ver=${v4l_ver%-*}
    k0=$(suse_uname "${SUSE_RELEASES[0]}")
    ko=$(suse_kmp_ko "$k0" "$DEB_ABI" "$v4l_ver")

    new_world "$repo"
    rm -rf "$work"
    mkdir -p "$work/home"

    # The KMP's Requires, from its __versions as SUSE's dependency generator writes them; the
    # kABI break changes the crc of the first symbol listed.
    modprobe --dump-modversions "$ko" | awk -F'\t' '$2 != "module_layout"' >"$work/modversions"
    SUSE_BROKEN_SYMBOL=$(awk -F'\t' 'NR == 1 { print $2 }' "$work/modversions")
    local crc
    crc=$(awk -F'\t' -v s="$SUSE_BROKEN_SYMBOL" '$2 == s { print tolower(substr($1, 3)) }' "$hdr/Module.symvers")
    [[ $crc =~ ^[0-9a-f]{8}$ ]] || die "suse: $SUSE_BROKEN_SYMBOL is not in $hdr/Module.symvers"
    SUSE_BROKEN_CRC=$(printf '%08x' $((0x$crc ^ 0x5a5a5a5a)))

    log "suse: building RPMs for kernel-default ${SUSE_RELEASES[*]} and $SUSE_KMP_NAME-kmp-$SUSE_FLAVOR"
    # A private HOME: no user ~/.rpmmacros, and Debian's rpm does not open ~/.rpmdb.
    rb=(env HOME="$work/home" rpmbuild -bb --quiet --target "$SUSE_ARCH"
        --define "_topdir $work/rpmbuild"
        --define "_rpmdir $repo"
        --define "_build_name_fmt %%{ARCH}/%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm"
        --define "_buildhost sheep99"
        --define "packager https://www.suse.com/"
        --define "vendor SUSE LLC <https://www.suse.com/>"
        --define "distribution SUSE Linux Enterprise 15")
    for rel in "${SUSE_RELEASES[@]}"; do
        if [[ $rel == "$SUSE_BREAK_RELEASE" ]]; then
            suse_symvers "$hdr/Module.symvers" "$SUSE_BROKEN_SYMBOL" "$SUSE_BROKEN_CRC" >"$work/symvers-$rel"
        else
            suse_symvers "$hdr/Module.symvers" '' '' >"$work/symvers-$rel"
        fi
        suse_ksym_provides <"$work/symvers-$rel" >"$work/ksym-$rel"
        stage_suse_kernel "$rel" "$work/stage-$rel" "$work/symvers-$rel"
        run_logged "$logf" "${rb[@]}" --define "krel $rel" --define "stagedir $work/stage-$rel" \
            --define "ksymfile $work/ksym-$rel" "$LAB_SRC_DIR/rpm/kernel-default.spec"
    done

    # SUSE KMP version: <module version>_k<kernel version>_<kernel release without the rebuild counter>.
    kmpver=${v4l_ver}_k${SUSE_KVER}_${SUSE_RELEASES[0]%.*}
    mkdir -p "$work/stage-kmp/lib/modules/$k0/updates"
    cp "$ko" "$work/stage-kmp/lib/modules/$k0/updates/$SUSE_KMP_NAME.ko"
    awk -F'\t' -v fl="$SUSE_FLAVOR" '{ printf "Requires: ksym(%s:%s) = %s\n", fl, $2, tolower(substr($1, 3)) }' \
        "$work/modversions" >"$work/ksym-kmp"
    run_logged "$logf" "${rb[@]}" --define "kmpname $SUSE_KMP_NAME" --define "flavor $SUSE_FLAVOR" \
        --define "kmpver $kmpver" --define "kuname $k0" --define "stagedir $work/stage-kmp" \
        --define "ksymfile $work/ksym-kmp" "$LAB_SRC_DIR/rpm/kmp.spec"
    SUSE_KMP=$SUSE_KMP_NAME-kmp-$SUSE_FLAVOR-$kmpver-1.1.$SUSE_ARCH
    [[ -f $repo/$SUSE_ARCH/$SUSE_KMP.rpm ]] || die "rpmbuild did not produce $repo/$SUSE_ARCH/$SUSE_KMP.rpm"
    run_logged "$logf" createrepo_c --general-compress-type=gz "$repo"
    rm -rf "$work"
}

suse_world_base() {
    local w=$1
    new_world "$w"
    mkdir -p "$w/etc/zypp/repos.d" "$w/etc/default" "$w/etc/sysconfig" "$w/usr/lib" "$w/boot/grub2" \
        "$w/var/lib/rpm" "$w/var/cache/zypp" "$w/var/log" "$w/root"
    cat >"$w/usr/lib/os-release" <<'EOF'
NAME="SLES"
VERSION="15-SP6"
VERSION_ID="15.6"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP6"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp6"
DOCUMENTATION_URL="https://documentation.suse.com/"
EOF
    ln -s ../usr/lib/os-release "$w/etc/os-release"
    lab_hex "$(basename "$w")-machine-id" 32 >"$w/etc/machine-id"
    echo >>"$w/etc/machine-id"
    cat >"$w/etc/zypp/zypp.conf" <<'EOF'
## Configuration file for software management
## /etc/zypp/zypp.conf
## (KmodPS lab: the SLES 15 SP6 defaults that matter for kernels; the rest is commented out there too)
[main]

##
## Packages which can be installed in different versions at the same time.
## Use "provides:<capability>" to match packages providing <capability>.
##
multiversion = provides:multiversion(kernel)

##
## Defines which kernels are kept when purge-kernels removes old ones:
## latest, latest-N, running, oldest, oldest+N or explicit versions.
##
multiversion.kernels = latest,latest-1,running
EOF
    cat >"$w/etc/sysconfig/bootloader" <<'EOF'
## Path:	System/Bootloader
## Description:	Bootloader configuration
## Type:	list(grub,grub2,grub2-efi,grub2-bls,none)
## Default:	grub2
#
# Type of bootloader in use.
# For making the change effect run bootloader configuration tool
# and configure newly selected bootloader
#
#
LOADER_TYPE="grub2"

## Path:	System/Bootloader
## Description:	Bootloader configuration
## Type:	yesno
## Default:	"no"
#
# Enable UEFI Secure Boot support
# This setting is only relevant to UEFI which supports UEFI. It won't
# take effect on any other firmware type.
#
#
SECURE_BOOT="no"
EOF
    cat >"$w/etc/default/grub" <<EOF
# If you change this file, run 'grub2-mkconfig -o /boot/grub2/grub.cfg' afterwards to update
# /boot/grub2/grub.cfg.

# Uncomment to set your own custom distributor. If you leave it unset or empty, the default
# policy is to determine the value from /etc/os-release
GRUB_DISTRIBUTOR=
GRUB_DEFAULT=saved
GRUB_HIDDEN_TIMEOUT=0
GRUB_HIDDEN_TIMEOUT_QUIET=true
GRUB_TIMEOUT=8
GRUB_CMDLINE_LINUX_DEFAULT="$SUSE_CMDLINE"
GRUB_CMDLINE_LINUX=""

# Uncomment to automatically save last booted menu entry in GRUB2 environment
# variable \`saved_entry'
# GRUB_SAVEDEFAULT="true"

# Uncomment to disable graphical terminal (grub-pc only)
GRUB_TERMINAL="gfxterm"
GRUB_GFXMODE="auto"
GRUB_BACKGROUND=
GRUB_THEME=/boot/grub2/themes/SLE/theme.txt
GRUB_USE_LINUXEFI="true"
GRUB_DISABLE_OS_PROBER="true"
GRUB_ENABLE_CRYPTODISK="n"
GRUB_CMDLINE_XEN_DEFAULT="vga=gfx-1024x768x16"
EOF
    # Debian's rpm looks for its database in ~/.rpmdb; this link lets a plain
    # `rpm --root <world> -q` run as root find the world's /var/lib/rpm.
    ln -s ../var/lib/rpm "$w/root/.rpmdb"
}

# /boot/grub2/grub.cfg as SLES 15 SP6's grub2-mkconfig writes it (00_header, 10_linux; xfs root on
# gpt2): a top-level entry titled "SLES 15-SP6" for the newest kernel and an "Advanced options"
# submenu with a normal and a recovery entry per kernel, newest first.
#   write_suse_grub_cfg <world> <root uuid> <uname>...
write_suse_grub_cfg() {
    local w=$1 uuid=$2 k first=1 classes="--class sles --class gnu-linux --class gnu --class os" hk=2
    shift 2
    local search="insmod gzio
	insmod part_gpt
	insmod xfs
	set root='hd0,gpt2'
	if [ x\$feature_platform_search_hint = xy ]; then
	  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  $uuid
	else
	  search --no-floppy --fs-uuid --set=root $uuid
	fi"
    local search_in=${search//$'\n'/$'\n\t'}
    {
        cat <<EOF
#
# DO NOT EDIT THIS FILE
#
# It is automatically generated by grub2-mkconfig using templates
# from /etc/grub.d and settings from /etc/default/grub
#

### BEGIN /etc/grub.d/00_header ###
EOF
        grub2_header_env_and_video
        cat <<EOF

if [ x\$feature_default_font_path = xy ] ; then
   font=unicode
else
insmod part_gpt
insmod xfs
set root='hd0,gpt2'
if [ x\$feature_platform_search_hint = xy ]; then
  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  $uuid
else
  search --no-floppy --fs-uuid --set=root $uuid
fi
    font="/usr/share/grub2/unicode.pf2"
fi

if loadfont \$font ; then
  set gfxmode=auto
  load_video
  insmod gfxterm
  set locale_dir=\$prefix/locale
  set lang=en_US
  insmod gettext
fi
terminal_output gfxterm
insmod part_gpt
insmod xfs
set root='hd0,gpt2'
if [ x\$feature_platform_search_hint = xy ]; then
  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  $uuid
else
  search --no-floppy --fs-uuid --set=root $uuid
fi
insmod gfxmenu
loadfont (\$root)/boot/grub2/themes/SLE/DejaVuSans-Bold14.pf2
loadfont (\$root)/boot/grub2/themes/SLE/DejaVuSans10.pf2
loadfont (\$root)/boot/grub2/themes/SLE/DejaVuSans12.pf2
loadfont (\$root)/boot/grub2/themes/SLE/ascii.pf2
insmod png
set theme=(\$root)/boot/grub2/themes/SLE/theme.txt
export theme
if [ x\${boot_once} = xtrue ]; then
  set timeout=0
elif [ x\$feature_timeout_style = xy ] ; then
  set timeout_style=menu
  set timeout=8
# Fallback normal timeout code in case the timeout_style feature is
# unavailable.
else
  set timeout=8
fi
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/10_linux ###
EOF
        for k in "$@"; do
            if ((first)); then
                cat <<EOF
menuentry '$SUSE_TITLE'  $classes \$menuentry_id_option 'gnulinux-simple-$uuid' {
	load_video
	set gfxpayload=keep
	$search
	echo	'Loading Linux $k ...'
	linux	/boot/vmlinuz-$k root=UUID=$uuid  \${extra_cmdline} $SUSE_CMDLINE
	echo	'Loading initial ramdisk ...'
	initrd	/boot/initrd-$k
}
submenu 'Advanced options for $SUSE_TITLE' --hotkey=1 \$menuentry_id_option 'gnulinux-advanced-$uuid' {
EOF
                first=0
            fi
            cat <<EOF
	menuentry '$SUSE_TITLE, with Linux $k' --hotkey=$((hk++)) $classes \$menuentry_id_option 'gnulinux-$k-advanced-$uuid' {
		load_video
		set gfxpayload=keep
		$search_in
		echo	'Loading Linux $k ...'
		linux	/boot/vmlinuz-$k root=UUID=$uuid  \${extra_cmdline} $SUSE_CMDLINE
		echo	'Loading initial ramdisk ...'
		initrd	/boot/initrd-$k
	}
	menuentry '$SUSE_TITLE, with Linux $k (recovery mode)' --hotkey=$((hk++)) $classes \$menuentry_id_option 'gnulinux-$k-recovery-$uuid' {
		load_video
		set gfxpayload=keep
		$search_in
		echo	'Loading Linux $k ...'
		linux	/boot/vmlinuz-$k root=UUID=$uuid  \${extra_cmdline} showopts apm=off noresume edd=off powersaved=off nohz=off highres=off processor.max_cstate=1 nomodeset x11failsafe
		echo	'Loading initial ramdisk ...'
		initrd	/boot/initrd-$k
	}
EOF
        done
        cat <<'EOF'
}

### END /etc/grub.d/10_linux ###

### BEGIN /etc/grub.d/20_linux_xen ###
### END /etc/grub.d/20_linux_xen ###

### BEGIN /etc/grub.d/30_uefi-firmware ###
### END /etc/grub.d/30_uefi-firmware ###

### BEGIN /etc/grub.d/40_custom ###
# This file provides an easy way to add custom menu entries.  Simply type the
# menu entries you want to add after this comment.  Be careful not to change
# the 'exec tail' line above.
### END /etc/grub.d/40_custom ###

### BEGIN /etc/grub.d/41_custom ###
if [ -f  ${config_directory}/custom.cfg ]; then
  source ${config_directory}/custom.cfg
elif [ -z "${config_directory}" -a -f  $prefix/custom.cfg ]; then
  source $prefix/custom.cfg
fi
### END /etc/grub.d/41_custom ###
EOF
    } >"$w/boot/grub2/grub.cfg"
    grub-script-check "$w/boot/grub2/grub.cfg" || die "grub-script-check rejected $w/boot/grub2/grub.cfg"
    chmod 0600 "$w/boot/grub2/grub.cfg"
}

# What the kernel-default %post (suse-module-tools' kernel scriptlets: depmod, dracut, the
# /boot/vmlinuz and /boot/initrd links, update-bootloader) would have done; rpm ran with
# --noscripts.
suse_kernel_post() {
    local w=$1 k=$2
    printf 'KmodPS lab placeholder initrd for %s\n' "$k" >"$w/boot/initrd-$k"
    chmod 0600 "$w/boot/initrd-$k"
    ln -sfn "vmlinuz-$k" "$w/boot/vmlinuz"
    ln -sfn "initrd-$k" "$w/boot/initrd"
    ln -sfn "System.map-$k" "$w/boot/System.map"
    ln -sfn "config-$k" "$w/boot/config"
    ln -sfn "symvers-$k.gz" "$w/boot/symvers.gz"
    depmod -b "$w" "$k"
}

# zypper's temporary directory (zypp.XXXXXX, gpg keyrings) goes to /var/tmp unless ZYPPTMPDIR is set.
suse_zypper() {
    mkdir -p "$LABDIR/.work/zypp-tmp"
    ZYPPTMPDIR=$LABDIR/.work/zypp-tmp zypper "$@"
}

suse_rpm() {
    local w=$1
    shift
    env HOME="$LABDIR/.work/suse-home" rpm --root "$w" --dbpath /var/lib/rpm "$@"
}

build_suse_world() {
    local w=$LABDIR/suse-kmp repo=$LABDIR/suse-repo logf=$LABDIR/logs/suse.log k rel uuid env
    rel=${SUSE_RELEASES[0]}
    k=$(suse_uname "$rel")
    uuid=$(lab_uuid "$(basename "$w")-root")
    SUSE_CMDLINE="splash=silent resume=/dev/disk/by-uuid/$(lab_uuid "$(basename "$w")-swap") mitigations=auto quiet security=apparmor"
    log "suse: world $w (kernel-default-$SUSE_KVER-$rel, $SUSE_KMP)"
    suse_world_base "$w"
    mkdir -p "$LABDIR/.work/suse-home"
    suse_rpm "$w" --initdb
    run_logged "$logf" suse_rpm "$w" -i --nodeps --noscripts \
        "$repo/$SUSE_ARCH/kernel-default-$SUSE_KVER-$rel.$SUSE_ARCH.rpm" "$repo/$SUSE_ARCH/$SUSE_KMP.rpm"
    suse_kernel_post "$w" "$k"

    write_suse_grub_cfg "$w" "$uuid" "$k"
    env=$w/boot/grub2/grubenv
    grub-editenv "$env" create
    grub-editenv "$env" set "saved_entry=$SUSE_TITLE"
    SUSE_SAVED_ENTRY=$SUSE_TITLE

    run_logged "$logf" suse_zypper --root "$w" addrepo --no-gpgcheck --name "KmodPS lab - SLES 15 SP6 kernels and KMPs" \
        "file://$repo" lab
    run_logged "$logf" suse_zypper --root "$w" -n refresh
    rm -rf "$LABDIR/.work/suse-home"
}

verify_suse() {
    local w=$LABDIR/suse-kmp repo=$LABDIR/suse-repo k out got expected n p25 p30 p33 d ko
    k=$(suse_uname "${SUSE_RELEASES[0]}")
    mkdir -p "$LABDIR/.work/suse-home"
    [[ $(suse_rpm "$w" -q kernel-default) == "kernel-default-$SUSE_KVER-${SUSE_RELEASES[0]}.$SUSE_ARCH" ]] ||
        die "suse: kernel-default-$SUSE_KVER-${SUSE_RELEASES[0]} is not installed in $w"
    [[ $(suse_rpm "$w" -qf "/lib/modules/$k/updates/$SUSE_KMP_NAME.ko") == "$SUSE_KMP" ]] ||
        die "suse: $SUSE_KMP does not own /lib/modules/$k/updates/$SUSE_KMP_NAME.ko"
    n=$(suse_rpm "$w" -q --requires "$SUSE_KMP_NAME-kmp-$SUSE_FLAVOR" | grep -c '^ksym(') || true
    ((n > 0)) || die "suse: $SUSE_KMP has no ksym() Requires"
    # Every ksym the KMP requires is provided by the installed kernel (same crc).
    d=$(comm -23 <(suse_rpm "$w" -q --requires "$SUSE_KMP_NAME-kmp-$SUSE_FLAVOR" | grep '^ksym(' | sort) \
        <(suse_rpm "$w" -q --provides kernel-default | grep '^ksym(' | sort))
    [[ -z $d ]] || die "suse: the installed kernel does not provide: $d"
    ko=$w/lib/modules/$k/updates/$SUSE_KMP_NAME.ko
    [[ $(modinfo -F vermagic "$ko") == "$k SMP "*modversions* ]] || die "suse: $ko has vermagic '$(modinfo -F vermagic "$ko")'"
    [[ $(modprobe --dump-modversions "$ko" | awk -F'\t' '$2 != "module_layout"' | grep -c .) == "$n" ]] ||
        die "suse: $SUSE_KMP does not require one ksym per __versions entry of $ko"
    grep -q "^updates/$SUSE_KMP_NAME.ko:" "$w/lib/modules/$k/modules.dep" ||
        die "suse: depmod did not pick up the KMP module in $w/lib/modules/$k/modules.dep"
    [[ -f $w/var/cache/zypp/raw/lab/repodata/repomd.xml ]] && compgen -G "$w/var/cache/zypp/raw/lab/repodata/*primary.xml.gz" >/dev/null ||
        die "suse: zypper refresh did not fill $w/var/cache/zypp/raw/lab/repodata"

    # Exactly one ksym line differs between the 23.25.1 and the 23.33.1 kernel, none for 23.30.1.
    p25=$(suse_rpm "$w" -qp --provides "$repo/$SUSE_ARCH/kernel-default-$SUSE_KVER-${SUSE_RELEASES[0]}.$SUSE_ARCH.rpm" | grep '^ksym(' | sort)
    p30=$(suse_rpm "$w" -qp --provides "$repo/$SUSE_ARCH/kernel-default-$SUSE_KVER-${SUSE_RELEASES[1]}.$SUSE_ARCH.rpm" | grep '^ksym(' | sort)
    p33=$(suse_rpm "$w" -qp --provides "$repo/$SUSE_ARCH/kernel-default-$SUSE_KVER-${SUSE_RELEASES[2]}.$SUSE_ARCH.rpm" | grep '^ksym(' | sort)
    [[ $p25 == "$p30" ]] || die "suse: ksym Provides of ${SUSE_RELEASES[0]} and ${SUSE_RELEASES[1]} differ"
    d=$(diff <(printf '%s\n' "$p25") <(printf '%s\n' "$p33") | grep '^[<>]' || true)
    [[ $(grep -c . <<<"$d") == 2 && $d == *"ksym($SUSE_FLAVOR:$SUSE_BROKEN_SYMBOL) = $SUSE_BROKEN_CRC"* ]] ||
        die "suse: expected exactly ksym($SUSE_FLAVOR:$SUSE_BROKEN_SYMBOL) to differ in ${SUSE_RELEASES[2]}, got: $d"

    # The real zypper: update installs the newest kernel next to the running one (multiversion), removes nothing.
    out=$(suse_zypper --root "$w" -n -x update --dry-run) || die "suse: zypper update --dry-run failed: $out"
    got=$(awk '
        /<to-install>/ { s = "install" } /<to-upgrade>/ { s = "upgrade" } /<to-remove>/ { s = "remove" }
        /<to-downgrade>/ { s = "downgrade" } /<to-reinstall>/ { s = "reinstall" }
        /<solvable / && s != "" {
            n = $0; sub(/.* name="/, "", n); sub(/".*/, "", n)
            e = $0; sub(/.* edition="/, "", e); sub(/".*/, "", e)
            print s, n, e
        }
        /<\/to-[a-z]+>/ { s = "" }' <<<"$out")
    expected="install kernel-default $SUSE_KVER-${SUSE_RELEASES[2]}"
    [[ $got == "$expected" ]] || die "suse: zypper update --dry-run: expected '$expected', got: $got"
    SUSE_DRYRUN=$out
    rm -rf "$LABDIR/.work/suse-home"
    log "suse: zypper update --dry-run installs kernel-default-$SUSE_KVER-${SUSE_RELEASES[2]} only; breaks ksym($SUSE_FLAVOR:$SUSE_BROKEN_SYMBOL)"
}

build_suse() {
    need_cmd zypper modprobe
    build_suse_repo
    build_suse_world
    verify_suse
}
