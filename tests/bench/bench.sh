#!/usr/bin/env bash
# KmodPS benchmarks, as ratios against what an admin would otherwise run or wait for, measured in one run: the two
# commands of a pair run in turn (A B A B ...), and each ratio is the median of the pair-by-pair ratios, so that a
# busy or drifting machine moves both sides alike.
#   1. cold ./kmodps Get-KernelModuleStatus vs real `dkms status`, on the 2 kernels x 2 modules lab world (a typical
#      host) and on a DKMS tree of 8 kernels x 12 modules; there also in-process warm;
#   2. Import-Module of the published module (ReadyToRun, as ./kmodps and the README's install build it) vs an empty
#      script module's, each in a fresh process of the pinned pwsh;
#   3. the first Get-KernelModuleStatus in a pwsh session vs the later calls in the same session;
#   4. cold ./kmodps Test-KernelUpdate vs the package manager's query it runs, alone: `dnf repoquery` on the RHEL
#      world, `apt-get -s dist-upgrade` on the Debian one, `zypper update --dry-run` on the SUSE one;
#   5. real `modinfo` vs KmodPS's module reader on every module of the extracted Debian kernel;
#   6. (scale, on request) 500 kernels x 20 DKMS modules and 100,000 kernel directories, cold through ./kmodps, with
#      the runner alone beside them.
# Wall times are medians in ms; "cpu" ratios compare user + sys time, steadier than wall time on a shared machine.
# Needs the lab (tests/lab/install.sh as root; the worlds are built here if missing).
#   tests/bench/bench.sh [typical large import session update reader scale]   (default: all but scale, in that order)
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
LABDIR=${KMODPS_LAB_DIR:-/tmp/kmodps-lab}
ROUNDS=${KMODPS_BENCH_ROUNDS:-5}
KERNELS=8
MODULES=12
published="$repo/out/kmodps/KmodPS.psd1" # ./kmodps publishes it on first use

log() { printf 'bench: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
middle() { sort -g | sed -n "$(((ROUNDS + 1) / 2))p"; }

# "wall_ms cpu_ms" of one run of a command (cpu: user + sys of the command and its children).
run_ms() {
    local TIMEFORMAT='%3R %3U %3S' t
    t=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}

# Runs the measures A and B (functions printing "wall_ms cpu_ms") in turn, once unmeasured, then $ROUNDS times;
# sets A_MS and B_MS (median wall), RATIO (median of the pair-by-pair wall ratios A/B) and CPU_RATIO (same for cpu).
pair() {
    local a=$1 b=$2 i wa ca wb cb
    local -a was=() wbs=() rw=() rc=()
    "$a" >/dev/null
    "$b" >/dev/null
    for ((i = 0; i < ROUNDS; i++)); do
        read -r wa ca < <("$a")
        read -r wb cb < <("$b")
        was+=("$wa") wbs+=("$wb")
        rw+=("$(awk -v x="$wa" -v y="$wb" 'BEGIN { printf "%.3f", x / (y > 0 ? y : 1) }')")
        rc+=("$(awk -v x="$ca" -v y="$cb" 'BEGIN { printf "%.3f", x / (y > 0 ? y : 1) }')")
    done
    A_MS=$(printf '%s\n' "${was[@]}" | middle)
    B_MS=$(printf '%s\n' "${wbs[@]}" | middle)
    RATIO=$(printf '%s\n' "${rw[@]}" | middle)
    CPU_RATIO=$(printf '%s\n' "${rc[@]}" | middle)
}

# "wall_ms cpu_ms" of Import-Module in a fresh process of the pinned pwsh, measured inside it.
pwsh_import() {
    (cd "$repo" && dotnet tool run pwsh -- -NoProfile -NonInteractive -c "
        \$p = [Diagnostics.Process]::GetCurrentProcess(); \$cpu = \$p.TotalProcessorTime
        \$sw = [Diagnostics.Stopwatch]::StartNew()
        Import-Module '$1' -ErrorAction Stop
        \$wall = \$sw.Elapsed.TotalMilliseconds; \$p.Refresh()
        '{0:F0} {1:F0}' -f \$wall, (\$p.TotalProcessorTime - \$cpu).TotalMilliseconds" | tr -d '\r')
}

# One pwsh session: "first_ms later_ms", the first Get-KernelModuleStatus after import and the median of the next five.
first_and_later() {
    (cd "$repo" && dotnet tool run pwsh -- -NoProfile -NonInteractive -c "
        Import-Module '$published' -ErrorAction Stop
        [double[]] \$t = foreach (\$i in 1..6) {
            \$sw = [Diagnostics.Stopwatch]::StartNew()
            \$null = Get-KernelModuleStatus -Root '$1' -WarningAction SilentlyContinue
            \$sw.Elapsed.TotalMilliseconds }
        \$later = \$t[1..5]; [Array]::Sort(\$later)
        '{0:F1} {1:F1}' -f \$t[0], \$later[2]" | tr -d '\r')
}

# Median wall time in ms of a command over $ROUNDS runs.
median_ms() {
    local -a times=()
    local i start
    for ((i = 0; i < ROUNDS; i++)); do
        start=$(now_ms)
        "$@" >/dev/null 2>&1
        times+=($(($(now_ms) - start)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((ROUNDS + 1) / 2))p"
}

ensure_lab() {
    [[ -f $LABDIR/.built ]] || "$repo/tests/lab/build.sh" "$LABDIR" >&2
    ABI=$(sed -n 's/^debian_abi=//p' "$LABDIR/.built")
    SEED_KO="$LABDIR/debian-dkms/var/lib/dkms/v4l2loopback/0.12.7/$ABI/x86_64/module/v4l2loopback.ko"
    [[ -f $SEED_KO ]] || { log "no DKMS-built module at $SEED_KO"; exit 1; }
}

# The tree dkms itself would leave after 'dkms add' + 'dkms install' of 12 modules on 8 kernels: the one
# real build of v4l2loopback (by dkms, in the lab) stands in for each module's build, renamed.
build_tree() {
    ROOT="$LABDIR/bench/dkms-${KERNELS}x${MODULES}"
    rm -rf "$ROOT"
    mkdir -p "$ROOT/etc" "$ROOT/var/lib/dkms" "$ROOT/usr/src" "$ROOT/lib/modules" "$ROOT/boot"
    cp "$LABDIR/debian-dkms/etc/os-release" "$ROOT/etc/os-release"
    local m k name
    for ((k = 0; k < KERNELS; k++)); do
        mkdir -p "$ROOT/lib/modules/6.1.0-$((40 + k))-amd64/updates/dkms"
        touch "$ROOT/lib/modules/6.1.0-$((40 + k))-amd64/modules.order"
        # A kernel is a module directory with an image; without one it is a leftover and has no rows.
        touch "$ROOT/boot/vmlinuz-6.1.0-$((40 + k))-amd64"
    done
    for ((m = 1; m <= MODULES; m++)); do
        name=benchmod$m
        mkdir -p "$ROOT/usr/src/$name-1.0"
        printf 'PACKAGE_NAME="%s"\nPACKAGE_VERSION="1.0"\nBUILT_MODULE_NAME[0]="%s"\nDEST_MODULE_LOCATION[0]="/updates/dkms"\nAUTOINSTALL="yes"\n' \
            "$name" "$name" >"$ROOT/usr/src/$name-1.0/dkms.conf"
        mkdir -p "$ROOT/var/lib/dkms/$name/1.0"
        ln -s "$ROOT/usr/src/$name-1.0" "$ROOT/var/lib/dkms/$name/1.0/source"
        for ((k = 0; k < KERNELS; k++)); do
            local kv="6.1.0-$((40 + k))-amd64" d
            d="$ROOT/var/lib/dkms/$name/1.0/$kv/x86_64"
            mkdir -p "$d/module" "$d/log"
            ln -f "$SEED_KO" "$d/module/$name.ko" # hard links: the same bytes dkms built, without copying them
            echo "make: built $name for $kv" >"$d/log/make.log"
            ln -s "1.0/$kv/x86_64" "$ROOT/var/lib/dkms/$name/kernel-$kv-x86_64"
            ln -f "$SEED_KO" "$ROOT/lib/modules/$kv/updates/dkms/$name.ko"
        done
    done
}

dkms_status_of() { dkms status --dkmstree "$1/var/lib/dkms" --sourcetree "$1/usr/src" --installtree "$1/lib/modules"; }
kmodps_status_of() { "$repo/kmodps" "Get-KernelModuleStatus -Root '$1' -WarningAction SilentlyContinue"; }

typical_dkms() { run_ms dkms_status_of "$TYPICAL"; }
typical_kmodps() { run_ms kmodps_status_of "$TYPICAL"; }
large_dkms() { run_ms dkms_status_of "$ROOT"; }
large_kmodps() { run_ms kmodps_status_of "$ROOT"; }
import_kmodps() { pwsh_import "$published"; }
import_empty() { pwsh_import "$EMPTY"; }
# The query Test-KernelUpdate runs on the RHEL world (as -Verbose shows it), alone.
dnf_query() {
    dnf --installroot "$UPDATE_ROOT" "--setopt=reposdir=$UPDATE_ROOT/etc/yum.repos.d" --releasever=9 -q repoquery \
        --queryformat $'@@KMODPS@@%{name}|%{version}|%{release}|%{arch}|%{reponame}\n@R\n%{requires}\n@P\n%{provides}\n' \
        kernel-core kernel-devel kmod-nvidia-open 'kmod-nvidia-open-*' 'kmod-nvidia*' 'kmod-nvidia-drm*' 'kmod-nvidia-modeset*' 'kmod-nvidia-uvm*'
}
update_dnf() { run_ms dnf_query; }
update_kmodps() { run_ms "$repo/kmodps" "Test-KernelUpdate -Root '$UPDATE_ROOT'"; }
# The simulation Test-KernelUpdate runs on the Debian world (as -Verbose shows it), alone.
apt_query() { apt-get -o Debug::NoLocking=true -o "Dir=$APT_ROOT" -s -q dist-upgrade; }
update_apt() { run_ms apt_query; }
update_kmodps_apt() { run_ms "$repo/kmodps" "Test-KernelUpdate -Root '$APT_ROOT'"; }
# The transaction Test-KernelUpdate asks zypper for on the SUSE world (as -Verbose shows it), alone.
zypper_query() { ZYPP_LOGFILE=/dev/null zypper --non-interactive --xmlout --root "$ZYPP_ROOT" update --dry-run; }
update_zypper() { run_ms zypper_query; }
# Its answer there is $false (the kABI break), which would be the runner's exit code: the answer is discarded instead.
update_kmodps_zypper() { run_ms "$repo/kmodps" "\$null = Test-KernelUpdate -Root '$ZYPP_ROOT' -WarningAction SilentlyContinue"; }

row() { printf '  %-62s %9s ms\n' "$1" "$2"; }
ratio_row() { printf '  %-62s %9s ms  %s (cpu %s)  %s\n' "$1" "$2" "$(printf '%.2fx' "$3")" "$(printf '%.2fx' "$4")" "$5"; }

main() {
    local sections=("$@")
    ((${#sections[@]})) || sections=(typical large import session update reader)
    ensure_lab
    TYPICAL="$LABDIR/debian-dkms"
    UPDATE_ROOT="$LABDIR/alma-nvidia-before-fixed"
    APT_ROOT="$LABDIR/debian-grub"
    ZYPP_ROOT="$LABDIR/suse-kmp"
    EMPTY="$LABDIR/bench/Empty/Empty.psd1"
    mkdir -p "${EMPTY%/*}"
    printf 'function Get-Nothing { }\n' >"${EMPTY%/*}/Empty.psm1"
    printf "@{ RootModule = 'Empty.psm1'; ModuleVersion = '1.0'; GUID = '0b6c2a59-1a2e-4a44-9f5e-1f2d3c4b5a69'; FunctionsToExport = @('Get-Nothing'); CmdletsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }\n" >"$EMPTY"
    "$repo/kmodps" '$null' >/dev/null # publishes the module and the runner if needed, outside the measurements
    (cd "$repo" && dotnet tool restore >/dev/null)

    printf '\nKmodPS benchmark (%s, %s cores, %s, load %s; medians of %s pairs run in turn)\n' "$(date -u +%Y-%m-%d)" \
        "$(nproc)" "$(uname -m)" "$(cut -d' ' -f1 /proc/loadavg)" "$ROUNDS"

    local section
    for section in "${sections[@]}"; do
        "bench_$section"
    done
}

# "wall_ms cpu_ms peak_rss_MiB" of one run of a command (cpu: user + sys).
run_peak() {
    local f
    f=$(mktemp)
    /usr/bin/time -f '%e %U %S %M' -o "$f" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%d %d %d\n", $1 * 1000, ($2 + $3) * 1000, $4 / 1024 }' "$f"
    rm -f "$f"
}

# One scale row: $ROUNDS cold runs of ./kmodps with a command line; the median wall and cpu, the range, the peak memory.
scale_row() {
    local label=$1 command=$2 i wall cpu peak
    local -a walls=() cpus=() peaks=()
    for ((i = 0; i < ROUNDS; i++)); do
        read -r wall cpu peak < <(run_peak "$repo/kmodps" "$command")
        walls+=("$wall") cpus+=("$cpu") peaks+=("$peak")
    done
    local sorted
    sorted=$(printf '%s\n' "${walls[@]}" | sort -g)
    printf '  %-62s %6s ms (%s-%s)  cpu %s ms  peak %s MiB (target < 3000 ms)\n' "$label" \
        "$(middle <<<"$sorted")" "$(head -1 <<<"$sorted")" "$(tail -1 <<<"$sorted")" \
        "$(printf '%s\n' "${cpus[@]}" | middle)" "$(printf '%s\n' "${peaks[@]}" | sort -g | tail -1)"
}

# Scale (issue 15 item 9): a DKMS tree of 500 kernels x 20 modules, and 100,000 kernel directories, cold through
# ./kmodps; $ROUNDS runs each, with the peak memory of the process.
bench_scale() {
    local saved_k=$KERNELS saved_m=$MODULES
    KERNELS=500 MODULES=20
    log "scale: building a DKMS tree of $KERNELS kernels x $MODULES modules"
    build_tree
    local rows
    rows=$("$repo/kmodps" "@(Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue).Count" | tr -d '\r')
    [[ $rows == $((KERNELS * MODULES)) ]] || { log "Get-KernelModuleStatus gave $rows rows, expected $((KERNELS * MODULES))"; exit 1; }
    printf 'Scale, cold ./kmodps, median of %s runs (range); the module files are hard links of one signed build: each is verified, and read once\n' "$ROUNDS"
    scale_row "Get-KernelModuleStatus, $KERNELS kernels x $MODULES DKMS modules" "Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue"
    KERNELS=$saved_k MODULES=$saved_m
    local many="$LABDIR/bench/kernels-100000" k
    log "scale: building 100,000 kernel directories"
    rm -rf "$many"
    mkdir -p "$many/etc" "$many/lib/modules" "$many/boot"
    cp "$LABDIR/debian-dkms/etc/os-release" "$many/etc/os-release"
    # A kernel is a module directory with an image; without images these would be 100,000 leftovers.
    (cd "$many/lib/modules" && for ((k = 0; k < 100000; k++)); do printf '6.1.0-%d-amd64\0' "$k"; done | xargs -0 mkdir)
    (cd "$many/boot" && for ((k = 0; k < 100000; k++)); do printf 'vmlinuz-6.1.0-%d-amd64\0' "$k"; done | xargs -0 touch)
    scale_row "Get-InstalledKernel, 100,000 kernel directories" "@(Get-InstalledKernel -Root '$many' -WarningAction SilentlyContinue).Count"
    scale_row "Get-KernelModuleStatus, 100,000 kernel directories" "@(Get-KernelModuleStatus -Root '$many' -WarningAction SilentlyContinue).Count"
    scale_row "the runner alone (./kmodps 1)" "1"
    rm -rf "$many"
}

bench_typical() {
    log "typical host: ./kmodps vs dkms status on the debian-dkms world"
    pair typical_kmodps typical_dkms
    printf 'Typical host: lab world debian-dkms (2 kernels, 2 DKMS modules)\n'
    row "dkms status ($(dkms --version))" "$B_MS"
    ratio_row "./kmodps Get-KernelModuleStatus, cold process" "$A_MS" "$RATIO" "$CPU_RATIO" "of dkms status (target <= 0.7x)"

}

bench_large() {
    build_tree
    local lines
    lines=$(dkms_status_of "$ROOT" | wc -l)
    [[ $lines == $((KERNELS * MODULES)) ]] || { log "dkms status printed $lines lines, expected $((KERNELS * MODULES))"; exit 1; }
    log "large tree: ./kmodps vs dkms status on $KERNELS x $MODULES"
    pair large_kmodps large_dkms
    local dkms_ms=$B_MS warm_ms rows
    read -r warm_ms rows < <("$repo/kmodps" "
        \$null = Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue
        \$rows = @(Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue).Count
        \$sw = [Diagnostics.Stopwatch]::StartNew()
        foreach (\$i in 1..20) { \$null = Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue }
        '{0:F2} {1}' -f (\$sw.Elapsed.TotalMilliseconds / 20), \$rows" | tr -d '\r')
    printf 'DKMS tree: %s kernels x %s modules (%s status rows)\n' "$KERNELS" "$MODULES" "$rows"
    row "dkms status" "$dkms_ms"
    ratio_row "./kmodps Get-KernelModuleStatus, cold process" "$A_MS" "$RATIO" "$CPU_RATIO" "of dkms status (target < 1x)"
    printf '  %-62s %9s ms  %s of dkms status (target <= 0.02x)\n' "Get-KernelModuleStatus, in-process warm" "$warm_ms" \
        "$(awk -v a="$warm_ms" -v b="$dkms_ms" 'BEGIN { printf "%.4fx", a / b }')"

}

bench_import() {
    log "Import-Module in a fresh pwsh: KmodPS vs an empty script module"
    pair import_kmodps import_empty
    printf 'Import-Module in a fresh process of the pinned pwsh (%s)\n' "$(cd "$repo" && dotnet tool run pwsh -- -NoProfile -c '$PSVersionTable.PSVersion.ToString()' | tr -d '\r')"
    row "an empty script module" "$B_MS"
    ratio_row "KmodPS, published (ReadyToRun)" "$A_MS" "$RATIO" "$CPU_RATIO" "of the empty module's (target <= 2x)"

}

bench_session() {
    log "first vs later Get-KernelModuleStatus in one pwsh session"
    local -a firsts=() laters=() ratios=()
    local first later i
    for ((i = 0; i < ROUNDS; i++)); do
        read -r first later < <(first_and_later "$TYPICAL")
        firsts+=("$first") laters+=("$later")
        ratios+=("$(awk -v x="$first" -v y="$later" 'BEGIN { printf "%.3f", x / (y > 0 ? y : 1) }')")
    done
    printf 'One pwsh session after Import-Module, Get-KernelModuleStatus on debian-dkms\n'
    row "later calls (median of calls 2-6)" "$(printf '%s\n' "${laters[@]}" | middle)"
    printf '  %-62s %9s ms  %s of later calls (target <= 2x)\n' "first call" "$(printf '%s\n' "${firsts[@]}" | middle)" \
        "$(printf '%.2fx' "$(printf '%s\n' "${ratios[@]}" | middle)")"

}

bench_update() {
    log "Test-KernelUpdate vs its dnf repoquery alone"
    pair update_kmodps update_dnf
    printf 'Test-KernelUpdate on lab world alma-nvidia-before-fixed (1 kernel, 2 repository candidates)\n'
    row "dnf repoquery alone ($(dnf --version 2>/dev/null | head -1))" "$B_MS"
    ratio_row "./kmodps Test-KernelUpdate, cold process" "$A_MS" "$RATIO" "$CPU_RATIO" "of the query alone"
    log "Test-KernelUpdate vs its apt-get -s dist-upgrade alone"
    pair update_kmodps_apt update_apt
    printf 'Test-KernelUpdate on lab world debian-grub (2 kernels)\n'
    row "apt-get -s dist-upgrade alone ($(apt-get --version | head -1))" "$B_MS"
    ratio_row "./kmodps Test-KernelUpdate, cold process" "$A_MS" "$RATIO" "$CPU_RATIO" "of the simulation alone"
    log "Test-KernelUpdate vs its zypper update --dry-run alone"
    pair update_kmodps_zypper update_zypper
    printf 'Test-KernelUpdate on lab world suse-kmp (1 kernel, a KMP judged by kABI against 2 repository kernels)\n'
    row "zypper update --dry-run alone ($(zypper --version 2>/dev/null | head -1))" "$B_MS"
    ratio_row "./kmodps Test-KernelUpdate, cold process" "$A_MS" "$RATIO" "$CPU_RATIO" "of the transaction alone"

}

bench_reader() {
    local modlist="$LABDIR/bench/modules.txt" modinfo_ms reader_ms count
    find "$LABDIR/debian-dkms/lib/modules/$ABI/kernel" -name '*.ko*' | sort >"$modlist"
    count=$(wc -l <"$modlist")
    log "modinfo vs the KmodPS module reader on $count modules"
    modinfo_ms=$(median_ms xargs -a "$modlist" modinfo)
    reader_ms=$("$repo/kmodps" "
        \$null = Get-KernelHost -WarningAction SilentlyContinue # loads KmodPS.Core
        # ModuleFileReader is internal: its Read(string, string) is reached by reflection.
        \$core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { \$_.GetName().Name -eq 'KmodPS.Core' }
        \$read = \$core.GetType('KmodPS.Core.Modules.ModuleFileReader', \$true).GetMethod('Read', [type[]] @([string], [string]))
        \$files = [IO.File]::ReadAllLines('$modlist')
        foreach (\$f in \$files) { \$null = \$read.Invoke(\$null, @(\$f, \$f)) }
        [double[]] \$times = foreach (\$r in 1..$ROUNDS) {
            \$sw = [Diagnostics.Stopwatch]::StartNew()
            foreach (\$f in \$files) { \$null = \$read.Invoke(\$null, @(\$f, \$f)) }
            \$sw.Elapsed.TotalMilliseconds }
        [Array]::Sort(\$times)
        '{0:F0}' -f \$times[[int][Math]::Floor($ROUNDS / 2)]" | tr -d '\r')
    printf 'Module reader: %s modules of linux-image-%s\n' "$count" "$ABI"
    row "modinfo (kmod $(modinfo --version | awk 'NR==1{print $3}'), xargs batches)" "$modinfo_ms"
    printf '  %-62s %9s ms  %s of modinfo'"'"'s time (target <= 1.5x)\n' "KmodPS ModuleFileReader, in-process warm" "$reader_ms" \
        "$(awk -v a="$reader_ms" -v b="$modinfo_ms" 'BEGIN { printf "%.2fx", a / b }')"
}

main "$@"
