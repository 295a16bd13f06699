# shellcheck shell=bash
# AlmaLinux seed: synthetic kernel/kmod RPMs (rpmbuild), a repo (createrepo_c)
# and two worlds installed with the real dnf. Sourced by build.sh.

# shellcheck source=fakekernel.sh
source "$LAB_SRC_DIR/lib/fakekernel.sh"

ALMA_KERNELS=(5.14.0-611.41.1.el9_7 5.14.0-611.45.1.el9_7 5.14.0-611.49.1.el9_7)
ALMA_ARCH=x86_64
ALMA_OS_VERSION="9.7 (Moss Jungle Cat)"
NV_VERSION=595.58.03
NV_RELEASE=1.el9_7
ALMA_SIGNER_CN="AlmaLinux OS Kernel Module Signing Key (lab)"

# Build dates printed into the fake vmlinuz version strings, one per kernel.
declare -A ALMA_BUILD_DATE=(
    [5.14.0-611.41.1.el9_7]="Tue Mar 17 10:12:41 EDT 2026"
    [5.14.0-611.45.1.el9_7]="Wed Apr 1 09:31:07 EDT 2026"
    [5.14.0-611.49.1.el9_7]="Tue Apr 14 11:02:55 EDT 2026"
)

alma_uname() { printf '%s.%s' "$1" "$ALMA_ARCH"; }

sign_file_bin() {
    local f
    for f in /usr/lib/linux-kbuild-*/scripts/sign-file; do
        [[ -x $f ]] && { printf '%s' "$f"; return; }
    done
    die "no sign-file found under /usr/lib/linux-kbuild-*/scripts (install linux-headers-amd64)"
}

# Lab stand-in for AlmaLinux's kernel module signing key; kept across runs.
alma_keys() {
    local k=$LABDIR/keys
    if [[ ! -f $k/alma-kmod-signing.pem || ! -f $k/alma-kmod-signing.der ]]; then
        log "alma: generating lab module signing key in $k"
        openssl req -new -x509 -nodes -days 36500 -sha256 -newkey rsa:2048 \
            -subj "/O=AlmaLinux/CN=$ALMA_SIGNER_CN/emailAddress=security@almalinux.org" \
            -addext "basicConstraints=critical,CA:FALSE" \
            -addext "keyUsage=digitalSignature" \
            -addext "extendedKeyUsage=codeSigning" \
            -keyout "$k/alma-kmod-signing.pem" -outform DER -out "$k/alma-kmod-signing.der" 2>/dev/null
        openssl x509 -inform DER -in "$k/alma-kmod-signing.der" -out "$k/alma-kmod-signing.crt"
    fi
    ALMA_KEY=$k/alma-kmod-signing.pem
    ALMA_CERT=$k/alma-kmod-signing.der
}

# A module object as the RHEL build would ship it: signed, then xz-compressed
# for in-tree modules (RHEL 9 ships .ko.xz), left as .ko otherwise.
alma_module() {
    local out=$1 compress=$2 name=$3
    shift 3
    mkdir -p "$(dirname "$out")"
    make_ko "${out%.xz}" "$name" "$@"
    sign_ko "$SIGN_FILE" "$ALMA_KEY" "$ALMA_CERT" "${out%.xz}"
    if [[ $compress == xz ]]; then
        xz --check=crc32 --lzma2=dict=1MiB -f "${out%.xz}"
    fi
}

stage_kernel() {
    local vr=$1 stage=$2 with_devel=$3 k vm md
    local -a intree
    k=$(alma_uname "$vr")
    md=$stage/lib/modules/$k
    vm="$k SMP preempt mod_unload modversions "
    intree=(rhelversion=9.7 srcversion=auto)
    mkdir -p "$md/kernel"

    make_vmlinuz "$md/vmlinuz" "$k" \
        "(mockbuild@x64-builder01.almalinux.org) (gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-11), GNU ld version 2.35.2-67.el9) #1 SMP PREEMPT_DYNAMIC ${ALMA_BUILD_DATE[$vr]}"
    printf 'ffffffff81000000 T _text\nffffffff81000000 T startup_64\nffffffff82a00000 D _edata\n' >"$md/System.map"
    cat >"$md/config" <<EOF
#
# Automatically generated file; DO NOT EDIT.
# Linux/x86_64 $k Kernel Configuration
#
CONFIG_CC_VERSION_TEXT="gcc (GCC) 11.5.0 20240719 (Red Hat 11.5.0-11)"
CONFIG_LOCALVERSION=""
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODVERSIONS=y
CONFIG_MODULE_SRCVERSION_ALL=y
CONFIG_MODULE_SIG=y
CONFIG_MODULE_SIG_ALL=y
CONFIG_MODULE_SIG_SHA256=y
CONFIG_MODULE_SIG_HASH="sha256"
CONFIG_MODULE_SIG_KEY="certs/signing_key.pem"
CONFIG_SYSTEM_TRUSTED_KEYS="certs/rhel.pem"
CONFIG_PREEMPT_DYNAMIC=y
CONFIG_RETPOLINE=y
CONFIG_DRM_NOUVEAU=m
CONFIG_E1000E=m
CONFIG_XFS_FS=m
CONFIG_USB_VIDEO_CLASS=m
EOF
    printf '0x%s\tmodule_layout\tvmlinux\tEXPORT_SYMBOL\t\n0x%s\tdrm_dev_register\tdrivers/gpu/drm/drm\tEXPORT_SYMBOL\t\n' \
        "$(lab_hex "$k-ml" 8)" "$(lab_hex "$k-drm" 8)" | gzip -9n >"$md/symvers.gz"
    printf '%s\n' kernel/drivers/ata/libata.ko kernel/drivers/scsi/sd_mod.ko kernel/fs/ext4/ext4.ko >"$md/modules.builtin"
    printf 'libata.version=3.00\0ext4.license=GPL\0' >"$md/modules.builtin.modinfo"
    printf '%s\n' kernel/fs/xfs/xfs.ko kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko \
        kernel/drivers/gpu/drm/nouveau/nouveau.ko kernel/drivers/media/usb/uvc/uvcvideo.ko >"$md/modules.order"
    ln -s "/usr/src/kernels/$k" "$md/build"
    ln -s build "$md/source"

    alma_module "$md/kernel/fs/xfs/xfs.ko.xz" xz xfs \
        alias=fs-xfs license=GPL author="Silicon Graphics, Inc." \
        description="SGI XFS with ACLs, security attributes, scrub, quota, no debug enabled" \
        "${intree[@]}" depends=libcrc32c retpoline=Y intree=Y name=xfs vermagic="$vm"
    alma_module "$md/kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz" xz e1000e \
        license="GPL v2" description="Intel(R) PRO/1000 Network Driver" \
        author="Intel Corporation, <linux.nics@intel.com>" "${intree[@]}" \
        alias="pci:v00008086d000015FBsv*sd*bc*sc*i*" depends= retpoline=Y intree=Y name=e1000e vermagic="$vm"
    alma_module "$md/kernel/drivers/gpu/drm/nouveau/nouveau.ko.xz" xz nouveau \
        license="GPL and additional rights" description="nVidia Riva/TNT/GeForce/Quadro/Tesla/Tegra K1+" \
        author="Nouveau Project" "${intree[@]}" alias="pci:v000010DEd*sv*sd*bc03sc*i*" \
        depends=drm_display_helper,drm_kms_helper,drm,ttm,mxm-wmi,video,wmi retpoline=Y intree=Y \
        name=nouveau vermagic="$vm"
    alma_module "$md/kernel/drivers/media/usb/uvc/uvcvideo.ko.xz" xz uvcvideo \
        license=GPL description="USB Video Class driver" author="Laurent Pinchart <laurent.pinchart@ideasonboard.com>" \
        "${intree[@]}" alias="usb:v*p*d*dc*dsc*dp*ic0Eisc01ip00in*" depends=videodev,uvc,videobuf2-v4l2,videobuf2-vmalloc,mc \
        retpoline=Y intree=Y name=uvcvideo vermagic="$vm"

    if ((with_devel)); then
        local src=$stage/usr/src/kernels/$k
        mkdir -p "$src/include/config" "$src/include/generated" "$src/scripts"
        cp "$md/config" "$src/.config"
        gzip -dc "$md/symvers.gz" >"$src/Module.symvers"
        printf '%s\n' "$k" >"$src/include/config/kernel.release"
        printf '#define UTS_RELEASE "%s"\n' "$k" >"$src/include/generated/utsrelease.h"
        printf 'VERSION = 5\nPATCHLEVEL = 14\nSUBLEVEL = 0\nEXTRAVERSION = -%s\nNAME = Kleptomaniac Octopus\n' \
            "${vr#5.14.0-}.$ALMA_ARCH" >"$src/Makefile"
    fi
}

stage_nvidia() {
    local k=$1 stage=$2 d vm
    local -a nv
    d=$stage/lib/modules/$k/extra/nvidia-open
    vm="$k SMP preempt mod_unload modversions "
    nv=(version="$NV_VERSION" supported=external license="Dual MIT/GPL")
    alma_module "$d/nvidia.ko" none nvidia \
        "alias=char-major-195-*" "${nv[@]}" firmware="nvidia/$NV_VERSION/gsp_tu10x.bin" \
        firmware="nvidia/$NV_VERSION/gsp_ga10x.bin" srcversion=auto \
        "alias=pci:v000010DEd*sv*sd*bc06sc80i00*" "alias=pci:v000010DEd*sv*sd*bc03sc02i00*" \
        "alias=pci:v000010DEd*sv*sd*bc03sc00i00*" depends= retpoline=Y name=nvidia vermagic="$vm"
    alma_module "$d/nvidia-modeset.ko" none nvidia-modeset \
        "${nv[@]}" srcversion=auto depends=nvidia,video retpoline=Y name=nvidia_modeset vermagic="$vm"
    alma_module "$d/nvidia-drm.ko" none nvidia-drm \
        "${nv[@]}" srcversion=auto depends=drm,drm_kms_helper,nvidia-modeset,video,drm_ttm_helper \
        retpoline=Y name=nvidia_drm vermagic="$vm"
    alma_module "$d/nvidia-uvm.ko" none nvidia-uvm \
        "${nv[@]}" srcversion=auto "alias=char-major-511-*" depends=nvidia retpoline=Y name=nvidia_uvm vermagic="$vm"
}

build_alma_repo() {
    local repo=$LABDIR/alma-repo work=$LABDIR/.work/alma vr i with_devel logf=$LABDIR/logs/alma.log
    local -a rb
    log "alma: building RPMs for ${ALMA_KERNELS[*]} and kmod-nvidia-open-$NV_VERSION"
    new_world "$repo"
    rm -rf "$work"
    mkdir -p "$repo/Packages" "$work/home"
    # A private HOME: no user ~/.rpmmacros, and Debian's rpm (%_dbpath ~/.rpmdb)
    # does not open the invoking user's rpm database.
    rb=(env HOME="$work/home" rpmbuild -bb --quiet --target "$ALMA_ARCH"
        --define "_topdir $work/rpmbuild"
        --define "_rpmdir $repo/Packages"
        --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm"
        --define "_buildhost x64-builder01.almalinux.org"
        --define "packager AlmaLinux Packaging Team <packager@almalinux.org>"
        --define "vendor AlmaLinux")
    for i in "${!ALMA_KERNELS[@]}"; do
        vr=${ALMA_KERNELS[$i]}
        with_devel=0
        ((i == 0)) && with_devel=1
        stage_kernel "$vr" "$work/stage-$vr" "$with_devel"
        run_logged "$logf" "${rb[@]}" --define "krel ${vr#5.14.0-}" --define "stagedir $work/stage-$vr" \
            --define "with_devel $with_devel" "$LAB_SRC_DIR/rpm/kernel.spec"
    done
    local k0
    k0=$(alma_uname "${ALMA_KERNELS[0]}")
    stage_nvidia "$k0" "$work/stage-nvidia"
    run_logged "$logf" "${rb[@]}" --define "kverrel $k0" --define "stagedir $work/stage-nvidia" \
        "$LAB_SRC_DIR/rpm/kmod-nvidia-open.spec"
    run_logged "$logf" createrepo_c --general-compress-type=gz "$repo"
    rm -rf "$work"
}

alma_world_base() {
    local w=$1 mid=$2 uuid
    uuid=$(lab_uuid "$(basename "$w")-root")
    new_world "$w"
    mkdir -p "$w/etc/dnf/plugins" "$w/etc/dnf/vars" "$w/etc/yum.repos.d" "$w/etc/default" \
        "$w/etc/sysconfig" "$w/etc/kernel" "$w/usr/lib" "$w/boot/loader/entries" "$w/boot/grub2" \
        "$w/var/lib/rpm" "$w/var/cache/dnf" "$w/var/log" "$w/root"
    cat >"$w/usr/lib/os-release" <<EOF
NAME="AlmaLinux"
VERSION="$ALMA_OS_VERSION"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.7"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux $ALMA_OS_VERSION"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
DOCUMENTATION_URL="https://wiki.almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"

ALMALINUX_MANTISBT_PROJECT="AlmaLinux-9"
ALMALINUX_MANTISBT_PROJECT_VERSION="9.7"
REDHAT_SUPPORT_PRODUCT="AlmaLinux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.7"
SUPPORT_END=2032-06-01
EOF
    ln -s ../usr/lib/os-release "$w/etc/os-release"
    echo "AlmaLinux release $ALMA_OS_VERSION" >"$w/etc/almalinux-release"
    ln -s almalinux-release "$w/etc/redhat-release"
    ln -s almalinux-release "$w/etc/system-release"
    echo "$mid" >"$w/etc/machine-id"

    cat >"$w/etc/dnf/dnf.conf" <<'EOF'
[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
keepcache=1
EOF
    cat >"$w/etc/yum.repos.d/lab.repo" <<EOF
[lab]
name=KmodPS lab - AlmaLinux 9 kernels and kmods
baseurl=file://$LABDIR/alma-repo
enabled=1
gpgcheck=0
metadata_expire=never
EOF
    # As shipped by python3-dnf-plugin-versionlock.
    printf '[main]\nenabled = 1\nlocklist = /etc/dnf/plugins/versionlock.list\n' >"$w/etc/dnf/plugins/versionlock.conf"
    : >"$w/etc/dnf/plugins/versionlock.list"

    cat >"$w/etc/sysconfig/kernel" <<'EOF'
# UPDATEDEFAULT specifies if kernel-install should make
# new kernels the default
UPDATEDEFAULT=yes

# DEFAULTKERNEL specifies the default kernel package type
DEFAULTKERNEL=kernel-core
EOF
    ALMA_CMDLINE="root=UUID=$uuid ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet"
    echo "$ALMA_CMDLINE" >"$w/etc/kernel/cmdline"
    cat >"$w/etc/default/grub" <<EOF
GRUB_TIMEOUT=5
GRUB_DISTRIBUTOR="\$(sed 's, release .*\$,,g' /etc/system-release)"
GRUB_DEFAULT=saved
GRUB_DISABLE_SUBMENU=true
GRUB_TERMINAL_OUTPUT="console"
GRUB_CMDLINE_LINUX="crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M rhgb quiet"
GRUB_DISABLE_RECOVERY="true"
GRUB_ENABLE_BLSCFG=true
EOF
    write_rhel_grub_cfg "$w" "$(lab_uuid "$(basename "$w")-boot")"
    # Debian's rpm looks for its database in ~/.rpmdb; this link lets a plain
    # `rpm --root <world> -q` run as root find the world's /var/lib/rpm.
    ln -s ../var/lib/rpm "$w/root/.rpmdb"
}

write_rhel_grub_cfg() {
    local w=$1 bootuuid=$2
    {
        cat <<EOF
#
# DO NOT EDIT THIS FILE
#
# It is automatically generated by grub2-mkconfig using templates
# from /etc/grub.d and settings from /etc/default/grub
#

### BEGIN /etc/grub.d/00_header ###
set pager=1

EOF
        grub2_header_env_and_video
        cat <<EOF

terminal_output console
if [ x\$feature_timeout_style = xy ] ; then
  set timeout_style=menu
  set timeout=5
# Fallback normal timeout code in case the timeout_style feature is
# unavailable.
else
  set timeout=5
fi
### END /etc/grub.d/00_header ###

### BEGIN /etc/grub.d/10_linux ###
insmod part_gpt
insmod xfs
set root='hd0,gpt2'
if [ x\$feature_platform_search_hint = xy ]; then
  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  $bootuuid
else
  search --no-floppy --fs-uuid --set=root $bootuuid
fi
insmod blscfg
blscfg
### END /etc/grub.d/10_linux ###

### BEGIN /etc/grub.d/41_custom ###
if [ -f  \${config_directory}/custom.cfg ]; then
  source \${config_directory}/custom.cfg
elif [ -z "\${config_directory}" -a -f  \$prefix/custom.cfg ]; then
  source \$prefix/custom.cfg
fi
### END /etc/grub.d/41_custom ###
EOF
    } >"$w/boot/grub2/grub.cfg"
}

# What kernel-install (50-dracut, 90-loaderentry, 20-grub) and grubby do for an
# installed kernel on AlmaLinux 9; dnf --installroot runs no scriptlets.
alma_kernel_install() {
    local w=$1 vr=$2 mid k entry
    mid=$(cat "$w/etc/machine-id")
    k=$(alma_uname "$vr")
    cp -p "$w/lib/modules/$k/vmlinuz" "$w/boot/vmlinuz-$k"
    cp -p "$w/lib/modules/$k/System.map" "$w/boot/System.map-$k"
    cp -p "$w/lib/modules/$k/config" "$w/boot/config-$k"
    cp -p "$w/lib/modules/$k/symvers.gz" "$w/boot/symvers-$k.gz"
    printf 'KmodPS lab placeholder initramfs for %s\n' "$k" >"$w/boot/initramfs-$k.img"
    chmod 0600 "$w/boot/initramfs-$k.img"
    depmod -b "$w" "$k"
    entry=$w/boot/loader/entries/$mid-$k.conf
    cat >"$entry" <<EOF
title AlmaLinux ($k) $ALMA_OS_VERSION
version $k
linux /vmlinuz-$k
initrd /initramfs-$k.img \$tuned_initrd
options $ALMA_CMDLINE \$tuned_params
grub_users \$grub_users
grub_arg --unrestricted
grub_class almalinux
EOF
    # UPDATEDEFAULT=yes: the new kernel becomes the saved default.
    local env=$w/boot/grub2/grubenv
    [[ -f $env ]] || grub-editenv "$env" create
    grub-editenv "$env" set "saved_entry=$mid-$k"
    grub-editenv "$env" set boot_success=0
    chmod 0600 "$env"
    printf '%s' "$mid-$k"
}

alma_dnf() {
    local w=$1
    shift
    "$LAB_SRC_DIR/lib/dnf-world.sh" "$w" -y --noplugins --nogpgcheck \
        --setopt=install_weak_deps=False --disablerepo='*' --enablerepo=lab "$@"
}

build_alma_world() {
    local w=$1 upgrade=$2 mid logf=$LABDIR/logs/alma.log saved vr
    mid=$(lab_hex "$(basename "$w")-machine-id" 32)
    log "alma: world $w"
    alma_world_base "$w" "$mid"
    vr=${ALMA_KERNELS[0]}
    run_logged "$logf" alma_dnf "$w" install "kernel-$vr" "kernel-devel-$vr" kmod-nvidia-open
    saved=$(alma_kernel_install "$w" "$vr")
    if ((upgrade)); then
        vr=${ALMA_KERNELS[1]}
        run_logged "$logf" alma_dnf "$w" install "kernel-$vr"
        saved=$(alma_kernel_install "$w" "$vr")
        run_logged "$logf" alma_dnf "$w" upgrade
        vr=${ALMA_KERNELS[2]}
        [[ -d $w/lib/modules/$(alma_uname "$vr") ]] || die "dnf upgrade did not install kernel $vr"
        saved=$(alma_kernel_install "$w" "$vr")
    fi
    printf '%s' "$saved"
}

verify_alma_world() {
    local w=$1 n_expected=$2 installed provides ko
    installed=$(rpm --root "$w" --dbpath /var/lib/rpm -q kernel-core | sort)
    (($(wc -l <<<"$installed") == n_expected)) || die "$w: expected $n_expected kernel-core, got: $installed"
    provides=$(rpm --root "$w" --dbpath /var/lib/rpm -q --provides kernel-core)
    grep -q '^kernel-uname-r = ' <<<"$provides" || die "$w: kernel-core lacks kernel-uname-r"
    rpm --root "$w" --dbpath /var/lib/rpm -q kmod-nvidia-open >/dev/null || die "$w: kmod-nvidia-open not installed"
    "$LAB_SRC_DIR/lib/dnf-world.sh" "$w" -q --cacheonly repoquery --installed kernel-core >/dev/null ||
        die "$w: dnf repoquery --cacheonly failed"
    ko=$w/lib/modules/$(alma_uname "${ALMA_KERNELS[0]}")/extra/nvidia-open/nvidia.ko
    [[ $(modinfo -F signer "$ko") == "$ALMA_SIGNER_CN" ]] || die "$ko is not signed by the lab key"
    log "alma: $(basename "$w"): $(tr '\n' ' ' <<<"$installed")"
}

# Issue 5's "after the vendor caught up": the same repository plus kmod-nvidia-open built for the
# newer kernels, and a copy of the before world whose lab.repo points at it (fresh dnf cache).
build_alma_fixed() {
    local repo=$LABDIR/alma-repo-fixed work=$LABDIR/.work/alma-fixed w=$LABDIR/alma-nvidia-before-fixed logf=$LABDIR/logs/alma.log vr k
    log "alma: fixed repository with kmod-nvidia-open for ${ALMA_KERNELS[*]:1}"
    new_world "$repo"
    rm -rf "$work"
    mkdir -p "$work/home"
    cp -a "$LABDIR/alma-repo/Packages" "$repo/"
    for vr in "${ALMA_KERNELS[@]:1}"; do
        k=$(alma_uname "$vr")
        stage_nvidia "$k" "$work/stage-$vr"
        run_logged "$logf" env HOME="$work/home" rpmbuild -bb --quiet --target "$ALMA_ARCH" \
            --define "_topdir $work/rpmbuild" --define "_rpmdir $repo/Packages" \
            --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
            --define "kverrel $k" --define "kmodrel 1.el9_7.$(tr . _ <<<"${vr#5.14.0-}")" \
            --define "stagedir $work/stage-$vr" "$LAB_SRC_DIR/rpm/kmod-nvidia-open.spec"
    done
    run_logged "$logf" createrepo_c --general-compress-type=gz "$repo"
    new_world "$w"
    cp -a "$LABDIR/alma-nvidia-before/." "$w/"
    sed -i "s|file://$LABDIR/alma-repo\$|file://$repo|" "$w/etc/yum.repos.d/lab.repo"
    rm -rf "$w/var/cache/dnf"
    rm -rf "$work"
}

build_alma() {
    SIGN_FILE=$(sign_file_bin)
    alma_keys
    build_alma_repo
    ALMA_BEFORE_SAVED=$(build_alma_world "$LABDIR/alma-nvidia-before" 0)
    verify_alma_world "$LABDIR/alma-nvidia-before" 1
    ALMA_AFTER_SAVED=$(build_alma_world "$LABDIR/alma-nvidia-after" 1)
    verify_alma_world "$LABDIR/alma-nvidia-after" 3
    build_alma_fixed
}
