#!/usr/bin/env bash
# KmodPS benchmarks, as ratios against the tools an admin would otherwise run, measured in one run:
#   1. real `dkms status` vs Get-KernelModuleStatus on a DKMS tree of 8 kernels x 12 modules
#      (in-process warm, and cold through ./kmodps);
#   2. real `modinfo` vs KmodPS's module reader on every module of the extracted Debian kernel.
# Needs the lab (tests/lab/install.sh as root; the worlds are built here if missing).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
LABDIR=${KMODPS_LAB_DIR:-/tmp/kmodps-lab}
ROUNDS=${KMODPS_BENCH_ROUNDS:-5}
KERNELS=8
MODULES=12

log() { printf 'bench: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

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
    mkdir -p "$ROOT/etc" "$ROOT/var/lib/dkms" "$ROOT/usr/src" "$ROOT/lib/modules"
    cp "$LABDIR/debian-dkms/etc/os-release" "$ROOT/etc/os-release"
    local m k name
    for ((k = 0; k < KERNELS; k++)); do
        mkdir -p "$ROOT/lib/modules/6.1.0-$((40 + k))-amd64/updates/dkms"
        touch "$ROOT/lib/modules/6.1.0-$((40 + k))-amd64/modules.order"
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
            cp "$SEED_KO" "$d/module/$name.ko"
            echo "make: built $name for $kv" >"$d/log/make.log"
            ln -s "1.0/$kv/x86_64" "$ROOT/var/lib/dkms/$name/kernel-$kv-x86_64"
            cp "$SEED_KO" "$ROOT/lib/modules/$kv/updates/dkms/$name.ko"
        done
    done
}

dkms_status() { dkms status --dkmstree "$ROOT/var/lib/dkms" --sourcetree "$ROOT/usr/src" --installtree "$ROOT/lib/modules"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) b = 0.001; printf "%.1fx", a / b }'; }

main() {
    ensure_lab
    build_tree
    "$repo/kmodps" '$null' >/dev/null # builds the runner if needed, outside the measurements
    local lines
    lines=$(dkms_status | wc -l)
    [[ $lines == $((KERNELS * MODULES)) ]] || { log "dkms status printed $lines lines, expected $((KERNELS * MODULES))"; exit 1; }

    log "timing dkms status ($ROUNDS rounds)"
    local dkms_ms cold_ms warm_ms rows
    dkms_ms=$(median_ms dkms_status)
    log "timing ./kmodps Get-KernelModuleStatus (cold process, $ROUNDS rounds)"
    cold_ms=$(median_ms "$repo/kmodps" "Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue")
    log "timing Get-KernelModuleStatus in-process (warm)"
    read -r warm_ms rows < <("$repo/kmodps" "
        \$null = Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue
        \$rows = @(Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue).Count
        \$sw = [Diagnostics.Stopwatch]::StartNew()
        foreach (\$i in 1..20) { \$null = Get-KernelModuleStatus -Root '$ROOT' -WarningAction SilentlyContinue }
        '{0:F2} {1}' -f (\$sw.Elapsed.TotalMilliseconds / 20), \$rows" | tr -d '\r')

    local modlist="$LABDIR/bench/modules.txt" modinfo_ms reader_ms count
    find "$LABDIR/debian-dkms/lib/modules/$ABI/kernel" -name '*.ko*' | sort >"$modlist"
    count=$(wc -l <"$modlist")
    log "timing modinfo on $count modules ($ROUNDS rounds)"
    modinfo_ms=$(median_ms xargs -a "$modlist" modinfo)
    log "timing the KmodPS module reader on the same files (warm, in-process)"
    reader_ms=$("$repo/kmodps" "
        \$null = Get-KernelHost -WarningAction SilentlyContinue # loads KmodPS.Core
        \$files = [IO.File]::ReadAllLines('$modlist')
        foreach (\$f in \$files) { \$null = [KmodPS.Core.Modules.ModuleFileReader]::Read(\$f, \$f) }
        [double[]] \$times = foreach (\$r in 1..$ROUNDS) {
            \$sw = [Diagnostics.Stopwatch]::StartNew()
            foreach (\$f in \$files) { \$null = [KmodPS.Core.Modules.ModuleFileReader]::Read(\$f, \$f) }
            \$sw.Elapsed.TotalMilliseconds }
        [Array]::Sort(\$times)
        '{0:F0}' -f \$times[[int][Math]::Floor($ROUNDS / 2)]" | tr -d '\r')

    log "timing Import-Module KmodPS in a fresh runspace of the engine"
    local import_ms
    import_ms=$("$repo/kmodps" "
        [double[]] \$times = foreach (\$r in 1..$ROUNDS) {
            \$ps = [powershell]::Create([initialsessionstate]::CreateDefault2())
            \$sw = [Diagnostics.Stopwatch]::StartNew()
            \$null = \$ps.AddCommand('Import-Module').AddParameter('Name', '$repo/KmodPS.psd1').Invoke()
            \$sw.Elapsed.TotalMilliseconds
            \$ps.Dispose() }
        [Array]::Sort(\$times)
        '{0:F0}' -f \$times[[int][Math]::Floor($ROUNDS / 2)]" | tr -d '\r')

    printf '\nKmodPS benchmark (%s, %s cores, median of %s)\n' "$(date -u +%Y-%m-%d)" "$(nproc)" "$ROUNDS"
    printf '%-58s %10s\n' "DKMS tree: $KERNELS kernels x $MODULES modules ($rows status rows)" ""
    printf '  %-56s %8s ms\n' "dkms status ($(dkms --version))" "$dkms_ms"
    printf '  %-56s %8s ms  %s faster (target >= 50x)\n' "Get-KernelModuleStatus, in-process warm" "$warm_ms" "$(ratio "$dkms_ms" "$warm_ms")"
    printf '  %-56s %8s ms  %s faster (target > 1x)\n' "./kmodps Get-KernelModuleStatus, cold process" "$cold_ms" "$(ratio "$dkms_ms" "$cold_ms")"
    printf '%-58s\n' "Module reader: $count modules of linux-image-$ABI"
    printf '  %-56s %8s ms\n' "modinfo (kmod $(modinfo --version | awk 'NR==1{print $3}'), xargs batches)" "$modinfo_ms"
    printf '  %-56s %8s ms  %s of modinfo'"'"'s time (target <= 1.5x)\n' "KmodPS ModuleFileReader, in-process warm" "$reader_ms" \
        "$(awk -v a="$reader_ms" -v b="$modinfo_ms" 'BEGIN { printf "%.2fx", a / b }')"
    printf '%-58s\n' "Module import"
    printf '  %-56s %8s ms  (target < 150 ms)\n' "Import-Module KmodPS.psd1, fresh runspace in a warm process" "$import_ms"
}

main "$@"
