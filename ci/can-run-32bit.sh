#!/usr/bin/env bash
# Exits 0 when this Linux host can execute 32-bit x86 programs (the kernel's
# IA-32 emulation is on), which 32-bit wine needs to run the mingw-cross-x86
# tests. Some virtual machines run 64-bit user code only; there an i386
# program fails with "Exec format error", and so would every 32-bit wine
# program. The probe is a five-instruction i386 program that exits 0, made
# with the assembler and linker every g++ installation has.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf '.globl _start\n_start:\n movl $1, %%eax\n xorl %%ebx, %%ebx\n int $0x80\n' |
    as --32 -o "$dir/probe.o" 2>/dev/null &&
    ld -m elf_i386 -o "$dir/probe" "$dir/probe.o" 2>/dev/null &&
    "$dir/probe" 2>/dev/null
