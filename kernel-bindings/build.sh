#!/usr/bin/env bash
# build.sh - build everything the guest runs and pack the initramfs.
#
#   libbpf (static, from linux-source's tools/lib/bpf: bpftool 7.5
#           skeletons need libbpf >= 1.5, bookworm-backports has 1.4)
#   scx_rec.bpf.o + static loader scx_rec     (our recording scheduler)
#   scx_obs.bpf.o + static loader scx_obs     (observer, fentry/fexit)
#   scx_simple/central/qmap .bpf.o            (kernel examples, unmodified,
#                                              compiled from linux-source)
#   scx_work                                  (guest workload)
#   build/initramfs.cpio.gz                   (busybox-static + the above)
#
# Usage: build.sh [--force]       (needs fetch-kernel.sh to have run)
# Incremental: a target is rebuilt when one of its inputs is newer.
set -euo pipefail
KB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SCXMC_KB_CACHE:-$KB/.cache}"
B="${SCXMC_KB_BUILD:-$KB/build}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

die() { echo "build: error: $*" >&2; exit 1; }
log() { echo "build: $*" >&2; }
[ -f "$CACHE/resolved.env" ] || die "$CACHE/resolved.env missing: run kernel-bindings/fetch-kernel.sh first"
# shellcheck disable=SC1091
. "$CACHE/resolved.env"
[ -f "$VMLINUX_H" ] || die "vmlinux.h missing ($VMLINUX_H): rerun fetch-kernel.sh"
[ -d "$KSRC/tools/lib/bpf" ] || die "linux-source tools missing ($KSRC): rerun fetch-kernel.sh"
command -v clang-19 >/dev/null || die "clang-19 not installed: run fetch-kernel.sh"
command -v bpftool >/dev/null || die "bpftool not installed: run fetch-kernel.sh"

NICE=(nice -n 10)
mkdir -p "$B/include" "$B/libbpf/obj" "$B/initramfs"
ln -sf "$VMLINUX_H" "$B/include/vmlinux.h"

stale() { # target inputs...
	local t="$1"; shift
	[ "$FORCE" = 1 ] && return 0
	[ -e "$t" ] || return 0
	local f
	for f in "$@"; do [ "$f" -nt "$t" ] && return 0; done
	return 1
}

# ---- libbpf from the kernel source (static)
LIBBPF_A="$B/libbpf/lib64/libbpf.a"
if stale "$LIBBPF_A" "$CACHE/src/.from"; then
	log "building libbpf from $KSRC/tools/lib/bpf"
	"${NICE[@]}" make -s -C "$KSRC/tools/lib/bpf" -j2 BUILD_STATIC_ONLY=1 \
		OUTPUT="$B/libbpf/obj/" DESTDIR="$B/libbpf" prefix=/ install_headers install \
		>"$B/libbpf.log" 2>&1 || die "libbpf build failed, see $B/libbpf.log"
fi
[ -f "$LIBBPF_A" ] || die "libbpf.a not produced"

BPF_CFLAGS=(-g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wno-missing-declarations
	    -I"$B/libbpf/include" -I"$B/include" -I"$KB/trace")
USER_CFLAGS=(-static -O2 -Wall -I"$B/libbpf/include" -I"$B" -I"$KB/trace" -I"$KB/bpf")
USER_LIBS=("$LIBBPF_A" "$LIBELF_A" -lz -lzstd)

bpf_obj() { # src out [extra cflags...]
	local src="$1" out="$2"; shift 2
	if stale "$out" "$src" "$KB/bpf/rec_common.bpf.h" "$KB/bpf/rec_lifecycle.bpf.h" "$KB/trace/scx_trace_abi.h"; then
		log "clang-19 $(basename "$src")"
		"${NICE[@]}" clang-19 "${BPF_CFLAGS[@]}" "$@" -c "$src" -o "$out" 2>"$out.log" \
			|| { cat "$out.log" >&2; die "BPF compile of $src failed"; }
	fi
}

loader() { # name
	local n="$1"
	bpf_obj "$KB/bpf/$n.bpf.c" "$B/$n.bpf.o"
	if stale "$B/$n.skel.h" "$B/$n.bpf.o"; then
		bpftool gen skeleton "$B/$n.bpf.o" name "$n" > "$B/$n.skel.h" || die "bpftool gen skeleton $n failed"
	fi
	if stale "$B/$n" "$B/$n.skel.h" "$KB/bpf/$n.c" "$KB/bpf/rec_loader.h"; then
		log "gcc -static $n"
		"${NICE[@]}" gcc "${USER_CFLAGS[@]}" "$KB/bpf/$n.c" -o "$B/$n" "${USER_LIBS[@]}" 2>"$B/$n.log" \
			|| { cat "$B/$n.log" >&2; die "linking $n failed"; }
	fi
}

loader scx_rec
loader scx_sub
if [ -f "$KB/bpf/scx_obs.bpf.c" ]; then
	loader scx_obs
fi

# ---- the kernel's example schedulers, unmodified, from linux-source
SCXT="$KSRC/tools/sched_ext"
for s in simple central qmap; do
	out="$B/scx_$s.bpf.o"
	if stale "$out" "$SCXT/scx_$s.bpf.c"; then
		log "clang-19 $SCXT/scx_$s.bpf.c (unmodified)"
		if ! "${NICE[@]}" clang-19 "${BPF_CFLAGS[@]}" -I"$SCXT/include" -I"$SCXT/include/bpf-compat" \
			-c "$SCXT/scx_$s.bpf.c" -o "$out" 2>"$out.log"; then
			log "WARNING: scx_$s.bpf.c does not compile with clang-19 (see $out.log)"
			rm -f "$out"
		fi
	fi
done

# ---- guest workload
if stale "$B/scx_work" "$KB/guest/scx_work.c"; then
	log "gcc -static scx_work"
	"${NICE[@]}" gcc -static -O2 -Wall "$KB/guest/scx_work.c" -o "$B/scx_work" || die "scx_work build failed"
fi

# ---- initramfs
R="$B/initramfs"
rm -rf "$R"; mkdir -p "$R"/{bin,dev,proc,sys,tmp,lib/scxmc}
cp /bin/busybox "$R/bin/busybox" || die "/bin/busybox missing (apt-get install busybox-static)"
cp "$KB/guest/init" "$R/init"; chmod +x "$R/init"
# libbpf resolves __kconfig externs (used by scx_central) from /boot/config-$(uname -r)
mkdir -p "$R/boot"; cp "$KCONFIG" "$R/boot/config-$KREL"
cp "$B/scx_rec" "$B/scx_sub" "$B/scx_work" "$R/bin/"
[ -f "$B/scx_obs" ] && cp "$B/scx_obs" "$R/bin/"
for s in simple central qmap; do
	[ -f "$B/scx_$s.bpf.o" ] && cp "$B/scx_$s.bpf.o" "$R/lib/scxmc/"
done
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$B/initramfs.cpio.gz.tmp" \
	|| die "packing initramfs failed"
mv "$B/initramfs.cpio.gz.tmp" "$B/initramfs.cpio.gz"
log "initramfs $(du -h "$B/initramfs.cpio.gz" | cut -f1) -> $B/initramfs.cpio.gz"
