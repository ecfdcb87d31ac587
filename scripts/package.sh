#!/usr/bin/env bash
# Packages a built launchgate as a release archive, or writes the release's SHA256SUMS.
# The release workflow and the Action's tests (tests/action/) both call this one script, so
# the archives the tests install are laid out exactly like the published ones.
#
#   scripts/package.sh TARGET VERSION OUTDIR
#       OUTDIR/launchgate-VERSION-TARGET.tar.gz (.zip for Windows targets), holding
#       launchgate-VERSION-TARGET/{launchgate[.exe],README.md,LICENSE-MIT,LICENSE-APACHE}.
#       The binary is target/TARGET/release/launchgate[.exe], or $LAUNCHGATE_BIN when set.
#   scripts/package.sh --sums OUTDIR
#       OUTDIR/SHA256SUMS over every launchgate-* archive in OUTDIR (`sha256sum -c` format).
#
# Prints the path of what it wrote. SOURCE_DATE_EPOCH, when set, dates the archive entries.
set -euo pipefail

die() {
  echo "package.sh: $*" >&2
  exit 2
}

# sha256sum on Linux and Windows (Git Bash), shasum on macOS.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{print $1}'
  else
    die "neither sha256sum nor shasum is installed"
  fi
}

root=$(cd "$(dirname "$0")/.." && pwd)

if [ "${1:-}" = "--sums" ]; then
  [ $# -eq 2 ] || die "usage: package.sh --sums OUTDIR"
  out=$2
  [ -d "$out" ] || die "$out is not a directory"
  (
    cd "$out"
    # Sorted in the C locale so the file is the same whatever the runner's locale.
    archives=$(LC_ALL=C ls -1 | grep -E '^launchgate-.*\.(tar\.gz|zip)$' || true)
    [ -n "$archives" ] || die "no launchgate-* archives in $out"
    : > SHA256SUMS.tmp
    while IFS= read -r archive; do
      printf '%s  %s\n' "$(sha256 "$archive")" "$archive" >> SHA256SUMS.tmp
    done <<< "$archives"
    mv SHA256SUMS.tmp SHA256SUMS
  )
  echo "$out/SHA256SUMS"
  exit 0
fi

[ $# -eq 3 ] || die "usage: package.sh TARGET VERSION OUTDIR | package.sh --sums OUTDIR"
target=$1
version=$2
out=$3
# Both end up in file names and URLs: refuse anything that could escape them.
[[ "$target" =~ ^[A-Za-z0-9_]+(-[A-Za-z0-9_.]+)+$ ]] || die "\`$target\` is not a target triple"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] \
  || die "\`$version\` is not a version (MAJOR.MINOR.PATCH, without the v)"

exe=launchgate
case "$target" in
  *windows*) exe=launchgate.exe ;;
esac
bin=${LAUNCHGATE_BIN:-$root/target/$target/release/$exe}
[ -f "$bin" ] || die "no binary at $bin (cargo build --release --locked --target $target)"

name="launchgate-$version-$target"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$bin" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
for doc in README.md LICENSE-MIT LICENSE-APACHE; do
  cp "$root/$doc" "$stage/$name/$doc"
done

case "$target" in
  *windows*)
    archive="$out/$name.zip"
    rm -f "$archive"
    # Windows runners' Git Bash has 7-Zip but not always zip.
    if command -v zip >/dev/null 2>&1; then
      (cd "$stage" && zip -q -r -X "$archive" "$name")
    elif command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bd "$archive" "$name" >/dev/null)
    else
      die "neither zip nor 7z is installed"
    fi
    ;;
  *)
    archive="$out/$name.tar.gz"
    tar_flags=()
    # GNU tar (Linux) can make the archive reproducible; macOS's bsdtar lacks these flags.
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      tar_flags=(--sort=name --owner=0 --group=0 --numeric-owner)
      if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
        tar_flags+=("--mtime=@$SOURCE_DATE_EPOCH")
      fi
    fi
    # gzip -n leaves the time out of the gzip header, for the same reason.
    # (The ${a[@]+...} form: macOS's bash 3.2 calls an empty array unbound under set -u.)
    (cd "$stage" && tar ${tar_flags[@]+"${tar_flags[@]}"} -cf - "$name") | gzip -n > "$archive"
    ;;
esac
echo "$archive"
