# shellcheck shell=bash
build_debian_grub() { :; }
