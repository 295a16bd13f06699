# shellcheck shell=bash
# Small but structurally real kernel artefacts for the synthetic AlmaLinux
# packages: module objects compiled by gcc, signed by the kernel's sign-file,
# and a bzImage-shaped vmlinuz. Sourced by build.sh.

# C string literal escaping for modinfo values.
c_str() {
    local s=${1//\\/\\\\}
    printf '"%s"' "${s//\"/\\\"}"
}

# make_ko <out.ko> <module-name> key=value...
# Compiles a relocatable ELF object (what a .ko is) whose .modinfo section holds
# the given key=value strings in the given order, as MODULE_INFO()/modpost emit
# them, plus a .gnu.linkonce.this_module section carrying the name and one
# __versions entry. "srcversion=auto" becomes 24 hex digits derived from the
# module's other keys (modpost derives it from the sources).
make_ko() {
    local out=$1 name=$2 src kv n=0 sv
    shift 2
    sv=$(printf '%s\n' "$name" "$@" | md5sum | tr 'a-f' 'A-F' | cut -c1-24)
    src=$(mktemp --suffix=.c)
    {
        echo "/* KmodPS lab module object: $name */"
        echo "struct lab_modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; };"
        echo "struct lab_module { char state_and_list[24]; char name[56]; char rest[0x380 - 80]; };"
        echo "int init_module(void) { return 0; }"
        echo "void cleanup_module(void) { }"
        echo "__attribute__((section(\".gnu.linkonce.this_module\"), used, aligned(64)))"
        echo "struct lab_module __this_module = { .name = $(c_str "${name//-/_}") };"
        echo "static const struct lab_modversion_info ____versions[]"
        echo "__attribute__((used, section(\"__versions\"), aligned(32))) = {"
        echo "    { 0x$(lab_hex "$name-layout" 8), \"module_layout\" },"
        echo "};"
    } >"$src"
    for kv in "$@"; do
        [[ $kv == srcversion=auto ]] && kv="srcversion=$sv"
        add_modinfo "$src" $((n++)) "$kv"
    done
    gcc -c -O2 -fno-toplevel-reorder -ffreestanding -fno-asynchronous-unwind-tables -fno-stack-protector -o "$out" "$src"
    rm -f "$src"
}

add_modinfo() {
    local src=$1 n=$2 kv=$3 key=${3%%=*}
    printf 'static const char __UNIQUE_ID_%s%d[] __attribute__((section(".modinfo"), used, aligned(1))) = %s;\n' \
        "${key//[^a-zA-Z0-9_]/_}" "$n" "$(c_str "$kv")" >>"$src"
}

# sign_ko <sign-file> <key.pem> <cert.der> <file.ko>
sign_ko() {
    "$1" sha256 "$2" "$3" "$4"
}

# make_vmlinuz <out> <uname -r> <build string>
# 16 KiB file with the x86 boot-protocol header fields that `file` and other
# tools use to identify a bzImage and its version string (offsets per
# Documentation/x86/boot.rst): boot flag 0xAA55 at 0x1FE, "HdrS" at 0x202,
# protocol 2.15 at 0x206, kernel_version pointer (minus 0x200) at 0x20E,
# root_flags at 0x1F2 and loadflags (bzImage) at 0x211.
make_vmlinuz() {
    local out=$1 ver=$2 build=$3 vstr_off=$((0x3c0))
    head -c 16384 /dev/zero >"$out"
    printf '\x01\x00' | dd of="$out" bs=1 seek=$((0x1f2)) conv=notrunc status=none # root_flags: RO
    printf '\x55\xaa' | dd of="$out" bs=1 seek=$((0x1fe)) conv=notrunc status=none
    printf '\x01' | dd of="$out" bs=1 seek=$((0x211)) conv=notrunc status=none # loadflags: LOADED_HIGH
    printf 'HdrS\x0f\x02' | dd of="$out" bs=1 seek=$((0x202)) conv=notrunc status=none
    printf '%b' "\\x$(printf %02x $((vstr_off & 0xff)))\\x$(printf %02x $((vstr_off >> 8)))" |
        dd of="$out" bs=1 seek=$((0x20e)) conv=notrunc status=none
    printf '%s %s\0' "$ver" "$build" | dd of="$out" bs=1 seek=$((vstr_off + 0x200)) conv=notrunc status=none
    printf 'KmodPS lab placeholder kernel image, not bootable\n' |
        dd of="$out" bs=1 seek=8192 conv=notrunc status=none
}
