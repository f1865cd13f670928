#!/usr/bin/env bash
# fetch-kernel.sh - install host dependencies and fetch the sched_ext kernel.
#
# Idempotent.  Installs (apt, Debian 12 "bookworm" host):
#   clang-19 llvm-19, libbpf-dev + bpftool from bookworm-backports,
#   qemu-system-x86, busybox-static, static libelf/zlib/zstd, gtest.
# Downloads (never installs) from trixie-backports with a private apt
# configuration and extracts into the cache dir:
#   linux-binary-<ver>-cloud-amd64   the kernel image (CONFIG_SCHED_CLASS_EXT=y)
#   linux-base-<ver>-cloud-amd64     its config (to check the options we need)
#   linux-bpf-dev                    vmlinux.h of that kernel
#   linux-source-<major.minor>       tools/ (libbpf, sched_ext examples)
# Versions are resolved at run time from the package lists.
#
# Usage: fetch-kernel.sh [--cache DIR] [--kernel-series 7.3] [--no-host-deps]
# Env:   SCXMC_KB_CACHE (cache dir), SCXMC_KERNEL_SERIES (default 7.3)
# Prints "resolved: ..." lines and writes DIR/resolved.env for the other
# scripts.  Exits non-zero with an "error:" line on any failure.
set -euo pipefail

KB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${SCXMC_KB_CACHE:-$KB/.cache}"
SERIES="${SCXMC_KERNEL_SERIES:-7.3}"
FLAVOUR=cloud-amd64
HOST_DEPS=1
MIRROR=http://deb.debian.org/debian

die() { echo "fetch-kernel: error: $*" >&2; exit 1; }
log() { echo "fetch-kernel: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--cache) CACHE="$2"; shift 2 ;;
	--kernel-series) SERIES="$2"; shift 2 ;;
	--no-host-deps) HOST_DEPS=0; shift ;;
	-h|--help) sed -n '2,22p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
done
mkdir -p "$CACHE" || die "cannot create cache dir $CACHE"
CACHE="$(cd "$CACHE" && pwd)"

need_root() { [ "$(id -u)" = 0 ] || die "host dependencies need root (apt-get); rerun as root or pass --no-host-deps"; }

# ---------------------------------------------------------------- host deps
BPO_SRC=/etc/apt/sources.list.d/bookworm-backports.sources
HOST_PKGS=(clang-19 llvm-19 qemu-system-x86 busybox-static libelf-dev zlib1g-dev
	   libzstd-dev pkg-config make cpio gcc libc6-dev xz-utils libgtest-dev cmake g++)
BPO_PKGS=(libbpf-dev libbpf1 bpftool)

if [ "$HOST_DEPS" = 1 ]; then
	missing=()
	for p in "${HOST_PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	libbpf_ok=0
	if v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null) && dpkg --compare-versions "$v" ge 1:1.4; then
		libbpf_ok=1
	fi
	dpkg-query -W -f='${Status}' bpftool 2>/dev/null | grep -q 'ok installed' || libbpf_ok=0
	if [ ${#missing[@]} -gt 0 ] || [ "$libbpf_ok" = 0 ]; then
		need_root
		if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
			log "adding bookworm-backports to $BPO_SRC"
			cat > "$BPO_SRC" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
		fi
		log "apt-get update"
		apt-get update -qq >/dev/null || die "apt-get update failed"
		bpo_args=()
		for p in "${BPO_PKGS[@]}"; do bpo_args+=("$p/bookworm-backports"); done
		log "installing: ${missing[*]} ${bpo_args[*]}"
		# Only the three named packages come from backports; their
		# dependencies (libelf-dev 0.188 in particular) stay on bookworm.
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" "${bpo_args[@]}" >/dev/null \
			|| die "apt-get install failed (packages: ${missing[*]} ${bpo_args[*]})"
	fi
	command -v clang-19 >/dev/null || die "clang-19 not found after install"
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found after install"
	[ -x /bin/busybox ] || die "/bin/busybox (busybox-static) not found after install"
fi

# A libelf.a that links statically.  bookworm's 0.188 does; the backports
# one does not.  If the installed libelf-dev is not 0.188, download
# bookworm's (not install) and extract it into the cache.
LIBELF_A=/usr/lib/x86_64-linux-gnu/libelf.a
elfv=$(dpkg-query -W -f='${Version}' libelf-dev 2>/dev/null || true)
case "$elfv" in
0.188*) ;;
*)
	if [ ! -f "$CACHE/libelf-static/usr/lib/x86_64-linux-gnu/libelf.a" ]; then
		ver=$(apt-cache madison libelf-dev | awk -F'|' '/bookworm\/main/ {gsub(/ /,"",$2); print $2; exit}')
		[ -n "$ver" ] || die "cannot resolve bookworm's libelf-dev version (apt-cache madison libelf-dev)"
		mkdir -p "$CACHE/debs" "$CACHE/libelf-static"
		(cd "$CACHE/debs" && apt-get download -qq "libelf-dev=$ver") || die "apt-get download libelf-dev=$ver failed"
		dpkg-deb -x "$CACHE"/debs/libelf-dev_"${ver#*:}"_amd64.deb "$CACHE/libelf-static" || die "extracting libelf-dev failed"
	fi
	LIBELF_A="$CACHE/libelf-static/usr/lib/x86_64-linux-gnu/libelf.a"
	;;
esac
[ -f "$LIBELF_A" ] || die "static libelf.a not found at $LIBELF_A"

# ---------------------------------------------------- private trixie apt
APT="$CACHE/apt"
mkdir -p "$APT/etc/sources.list.d" "$APT/etc/preferences.d" "$APT/state/lists/partial" \
	 "$APT/cache/archives/partial" "$CACHE/debs"
touch "$APT/state/status"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie-backports main" \
	> "$APT/etc/sources.list"
APTO=(-o "Dir::Etc::SourceList=$APT/etc/sources.list"
      -o "Dir::Etc::SourceParts=$APT/etc/sources.list.d"
      -o "Dir::Etc::Preferences=$APT/etc/preferences"
      -o "Dir::Etc::PreferencesParts=$APT/etc/preferences.d"
      -o "Dir::State=$APT/state" -o "Dir::State::status=$APT/state/status"
      -o "Dir::Cache=$APT/cache" -o "APT::Architecture=amd64"
      -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || die "debian-archive-keyring not installed"

# Refresh the private lists at most once an hour.
stamp="$APT/state/updated"
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +60 2>/dev/null)" ]; then
	log "updating private trixie-backports package lists"
	apt-get "${APTO[@]}" update -qq >/dev/null 2>"$APT/update.err" \
		|| die "private apt-get update for trixie-backports failed: $(tail -3 "$APT/update.err")"
	touch "$stamp"
fi

pkgs_matching() { apt-cache "${APTO[@]}" pkgnames 2>/dev/null | grep -E "$1" | sort -V; }

# Newest linux-binary-<SERIES>.N+debXX-<flavour> (signed name preferred).
KPKG=$(pkgs_matching "^linux-binary-${SERIES//./\\.}\.[0-9]+\+deb[0-9]+-${FLAVOUR}\$" | tail -1)
if [ -z "$KPKG" ]; then
	KPKG=$(pkgs_matching "^linux-binary-unsigned-${SERIES//./\\.}\.[0-9]+\+deb[0-9]+-${FLAVOUR}\$" | tail -1)
fi
[ -n "$KPKG" ] || die "no linux-binary-${SERIES}.*-${FLAVOUR} in trixie-backports (apt-cache pkgnames found: $(pkgs_matching '^linux-binary' | tr '\n' ' '))"
KREL=${KPKG#linux-binary-}; KREL=${KREL#unsigned-}      # e.g. 7.3.4+deb13-cloud-amd64
BASEPKG="linux-base-$KREL"
SRCPKG="linux-source-$SERIES"
BPFPKG="linux-bpf-dev"

pkgver() { apt-cache "${APTO[@]}" policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}'; }
KVER=$(pkgver "$KPKG"); SRCVER=$(pkgver "$SRCPKG"); BPFVER=$(pkgver "$BPFPKG"); BASEVER=$(pkgver "$BASEPKG")
for v in KVER SRCVER BPFVER BASEVER; do
	[ -n "${!v}" ] && [ "${!v}" != "(none)" ] || die "cannot resolve a version for ${v%VER} package"
done

fetch() { # pkg version -> path of .deb
	local p="$1" v="$2" f
	f=$(ls "$CACHE/debs/${p}_${v#*:}"_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$f" ] || [ ! -s "$f" ]; then
		log "downloading $p=$v"
		(cd "$CACHE/debs" && apt-get "${APTO[@]}" download -qq "$p=$v" >/dev/null 2>"$APT/download.err") \
			|| die "apt-get download $p=$v failed: $(tail -3 "$APT/download.err")"
		f=$(ls "$CACHE/debs/${p}_${v#*:}"_*.deb 2>/dev/null | head -1 || true)
		[ -n "$f" ] && [ -s "$f" ] || die "downloaded $p=$v but no ${p}_${v#*:}_*.deb in $CACHE/debs"
	fi
	echo "$f"
}

extract() { # deb dir
	local deb="$1" dir="$2"
	if [ ! -f "$dir/.from" ] || [ "$(cat "$dir/.from")" != "$(basename "$deb")" ]; then
		rm -rf "$dir"; mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
		basename "$deb" > "$dir/.from"
	fi
}

KDEB=$(fetch "$KPKG" "$KVER"); BASEDEB=$(fetch "$BASEPKG" "$BASEVER")
BPFDEB=$(fetch "$BPFPKG" "$BPFVER"); SRCDEB=$(fetch "$SRCPKG" "$SRCVER")

extract "$KDEB" "$CACHE/kernel"
extract "$BASEDEB" "$CACHE/kernel-base"
extract "$BPFDEB" "$CACHE/bpfdev"

VMLINUZ=$(find "$CACHE/kernel" -name vmlinuz -type f | head -1)
[ -n "$VMLINUZ" ] || die "no vmlinuz inside $KDEB"
KCONFIG=$(find "$CACHE/kernel-base" -name config -type f | head -1)
[ -n "$KCONFIG" ] || die "no kernel config inside $BASEDEB"
VMLINUX_H=$(find "$CACHE/bpfdev" -name vmlinux.h -type f | head -1)
[ -n "$VMLINUX_H" ] || die "no vmlinux.h inside $BPFDEB"

for opt in CONFIG_SCHED_CLASS_EXT CONFIG_DEBUG_INFO_BTF CONFIG_BPF_SYSCALL CONFIG_VIRTIO_CONSOLE \
	   CONFIG_VIRTIO_PCI CONFIG_SERIAL_8250_CONSOLE CONFIG_BLK_DEV_INITRD CONFIG_DEVTMPFS \
	   CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS; do
	grep -q "^$opt=y" "$KCONFIG" || die "kernel $KREL lacks $opt=y (config $KCONFIG)"
done

# linux-source: only the parts we build from (tools/, uapi headers).
SRCDIR="$CACHE/src"
if [ ! -f "$SRCDIR/.from" ] || [ "$(cat "$SRCDIR/.from")" != "$(basename "$SRCDEB")" ]; then
	rm -rf "$SRCDIR"; mkdir -p "$SRCDIR/deb"
	dpkg-deb -x "$SRCDEB" "$SRCDIR/deb" || die "dpkg-deb -x $SRCDEB failed"
	tarball=$(find "$SRCDIR/deb" -name 'linux-source-*.tar.*' | head -1)
	[ -n "$tarball" ] || die "no linux-source tarball inside $SRCDEB"
	top=$(basename "$tarball"); top=${top%%.tar.*}
	log "extracting tools/ from $(basename "$tarball")"
	nice -n 10 tar -xf "$tarball" -C "$SRCDIR" "$top/tools" "$top/include/uapi" \
		"$top/arch/x86/include/uapi" "$top/scripts/bpf_doc.py" "$top/Makefile" \
		|| die "extracting $tarball failed"
	rm -rf "$SRCDIR/deb"
	basename "$SRCDEB" > "$SRCDIR/.from"
fi
KSRC=$(find "$SRCDIR" -maxdepth 1 -type d -name 'linux-source-*' | head -1)
[ -d "$KSRC/tools/sched_ext" ] || die "linux-source has no tools/sched_ext ($KSRC)"

cat > "$CACHE/resolved.env" <<EOF
# written by fetch-kernel.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)
KREL='$KREL'
KPKG='$KPKG'
KVER='$KVER'
VMLINUZ='$VMLINUZ'
KCONFIG='$KCONFIG'
VMLINUX_H='$VMLINUX_H'
BPFDEV_VER='$BPFVER'
KSRC='$KSRC'
KSRC_VER='$SRCVER'
LIBELF_A='$LIBELF_A'
EOF

echo "resolved: kernel   $KPKG $KVER -> $VMLINUZ"
echo "resolved: config   $BASEPKG $BASEVER (SCHED_CLASS_EXT=y, BTF=y)"
echo "resolved: vmlinux.h $BPFPKG $BPFVER -> $VMLINUX_H"
echo "resolved: source   $SRCPKG $SRCVER -> $KSRC"
echo "resolved: libbpf-dev $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo '?'), bpftool $(dpkg-query -W -f='${Version}' bpftool 2>/dev/null || echo '?'), clang $(clang-19 --version 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p' | head -1), libelf.a $LIBELF_A"
echo "resolved: env file $CACHE/resolved.env"
