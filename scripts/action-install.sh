#!/usr/bin/env bash
# The Action's install step (action.yml): puts launchgate on PATH for the steps after it.
#
# install=binary (the default) downloads the release archive for this runner, verifies it
# against the release's SHA256SUMS, unpacks it into the tool cache
# ($RUNNER_TOOL_CACHE/launchgate/VERSION/ARCH) and appends that directory to $GITHUB_PATH.
# install=source builds with cargo instead (minutes, and it needs a Rust toolchain).
#
# Inputs come from the environment (action.yml passes them through `env:`, never by template
# expansion into the script, which would let an input inject shell):
#   INSTALL       binary | source
#   VERSION       release to install (0.1.0 or v0.1.0); empty: the action ref's version
#   ACTION_REF    github.action_ref, e.g. v0.1.0
#   ACTION_PATH   github.action_path (the action's source, for install=source)
#   LAUNCHGATE_RELEASES_URL  where releases are downloaded from (tests serve them locally)
#   LAUNCHGATE_TARGET        the target triple to download instead of the runner's own
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, RUNNER_TEMP, GITHUB_PATH: set by the runner
set -euo pipefail

default_url=https://github.com/launchgate/launchgate/releases/download
version_re='^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$'

# Errors are workflow-command annotations, so they show on the run's summary page too.
fail() {
  echo "::error title=launchgate install::$*"
  exit 1
}

# sha256sum on Linux and Windows (Git Bash), shasum on macOS.
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{print $1}'
  else
    shasum -a 256 "$1" | awk '{print $1}'
  fi
}

# The runner reads $GITHUB_PATH in the host's own path syntax: Windows paths on Windows.
add_path() {
  local dir=$1
  if [ "${RUNNER_OS:-}" = Windows ] && command -v cygpath >/dev/null 2>&1; then
    dir=$(cygpath -w "$dir")
  fi
  echo "$dir" >> "$GITHUB_PATH"
}

[ -n "${GITHUB_PATH:-}" ] || fail "GITHUB_PATH is not set: run this as the Action's step"
[ -n "${RUNNER_TEMP:-}" ] || fail "RUNNER_TEMP is not set: run this as the Action's step"

install=${INSTALL:-binary}
requested=${VERSION:-}
ref=${ACTION_REF:-}

if [ -n "$requested" ]; then
  version=${requested#v}
  [[ "$version" =~ $version_re ]] \
    || fail "input version: \`$requested\` is not a release version like 0.1.0"
fi

case "$install" in
  source)
    # The fallback: build with cargo into a directory of its own, then put it on PATH.
    root="$RUNNER_TEMP/launchgate-source"
    if [ -n "$requested" ]; then
      cargo install --locked --root "$root" launchgate --version "$version"
    else
      [ -n "${ACTION_PATH:-}" ] || fail "ACTION_PATH is not set: cannot build the action's source"
      cargo install --locked --root "$root" --path "$ACTION_PATH"
    fi
    add_path "$root/bin"
    exit 0
    ;;
  binary) ;;
  *) fail "input install: \`$install\` is neither \`binary\` nor \`source\`" ;;
esac

if [ -z "$requested" ]; then
  # `uses: launchgate/launchgate@v0.1.0` installs 0.1.0. A branch, a commit SHA, a moving tag
  # (v1) or a local `uses: ./` names no release, and guessing one could run a binary that does
  # not match this action.yml: say what to set instead.
  if [[ "$ref" =~ ^v[0-9] ]] && [[ "${ref#v}" =~ $version_re ]]; then
    version=${ref#v}
  else
    fail "the action ref \`${ref:-(none)}\` is not a release tag like v0.1.0, so it names no" \
      "launchgate release: set the \`version\` input (version: 0.1.0; needed when you pin a" \
      "commit SHA), or \`install: source\` to build this ref with cargo"
  fi
fi

if [ -n "${LAUNCHGATE_TARGET:-}" ]; then
  target=$LAUNCHGATE_TARGET
  [[ "$target" =~ ^[A-Za-z0-9_]+(-[A-Za-z0-9_.]+)+$ ]] \
    || fail "LAUNCHGATE_TARGET: \`$target\` is not a target triple"
else
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    macOS/X64) target=x86_64-apple-darwin ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *)
      fail "no prebuilt launchgate for RUNNER_OS=${RUNNER_OS:-} RUNNER_ARCH=${RUNNER_ARCH:-}:" \
        "use \`install: source\`"
      ;;
  esac
fi
exe=launchgate
ext=tar.gz
case "$target" in
  *windows*)
    exe=launchgate.exe
    ext=zip
    ;;
esac
name="launchgate-$version-$target"
archive="$name.$ext"

arch=$(printf '%s' "${RUNNER_ARCH:-unknown}" | tr '[:upper:]' '[:lower:]')
dir="${RUNNER_TOOL_CACHE:-$RUNNER_TEMP/toolcache}/launchgate/$version/$arch"

# The tool cache's convention: ARCH.complete beside ARCH marks a finished install. It holds the
# target and the archive's verified digest, so an install of another target is not reused.
if [ -f "$dir.complete" ] && [ -f "$dir/$exe" ] && [ "$(head -n1 "$dir.complete")" = "$target" ]; then
  echo "launchgate $version ($target) from the tool cache: $dir"
  add_path "$dir"
  exit 0
fi

command -v curl >/dev/null 2>&1 || fail "curl is not installed: cannot download launchgate"
command -v sha256sum >/dev/null 2>&1 || command -v shasum >/dev/null 2>&1 \
  || fail "neither sha256sum nor shasum is installed: cannot verify the download"
base=${LAUNCHGATE_RELEASES_URL:-$default_url}
base=${base%/}
tmp=$(mktemp -d "$RUNNER_TEMP/launchgate-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Downloads $1 to $2; any answer but 200 stops the install, naming the URL and the status.
fetch() {
  local url=$1 dest=$2 code rc
  set +e
  code=$(curl --silent --show-error --location --retry 3 --retry-delay 2 --connect-timeout 20 \
    --max-time 600 --output "$dest" --write-out '%{http_code}' "$url")
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    fail "downloading $url failed (curl exit $rc)"
  fi
  if [ "$code" = 404 ]; then
    fail "launchgate $version has no release asset at $url (HTTP 404): is $version a released" \
      "version? Releases: https://github.com/launchgate/launchgate/releases"
  fi
  if [ "$code" != 200 ]; then
    fail "downloading $url answered HTTP $code"
  fi
}

echo "Downloading launchgate $version for $target from $base/v$version/"
fetch "$base/v$version/SHA256SUMS" "$tmp/SHA256SUMS"
fetch "$base/v$version/$archive" "$tmp/$archive"

# `sha256sum -c` format: DIGEST, two spaces (or space and `*` for binary mode), FILE.
expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print tolower($1); exit }' "$tmp/SHA256SUMS")
[ -n "$expected" ] \
  || fail "SHA256SUMS of launchgate $version lists no $archive: refusing to install it unverified"
actual=$(sha256 "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $archive: SHA256SUMS expects $expected, the download is $actual;" \
    "refusing to install it"
fi
echo "Verified $archive: sha256 $actual"

mkdir "$tmp/unpacked"
case "$ext" in
  zip)
    if command -v unzip >/dev/null 2>&1; then
      unzip -q "$tmp/$archive" -d "$tmp/unpacked"
    else
      7z x -bd -o"$tmp/unpacked" "$tmp/$archive" >/dev/null
    fi
    ;;
  *) tar -xzf "$tmp/$archive" -C "$tmp/unpacked" ;;
esac
[ -f "$tmp/unpacked/$name/$exe" ] || fail "$archive holds no $name/$exe"

rm -rf "$dir" "$dir.complete"
mkdir -p "$(dirname "$dir")"
mv "$tmp/unpacked/$name" "$dir"
chmod +x "$dir/$exe"
# A wrong archive behind the right name (a mislabelled upload) is caught before it runs a gate.
if ! reported=$("$dir/$exe" --version 2>&1); then
  rm -rf "$dir"
  fail "$archive's $exe does not run on this runner: $reported"
fi
if [ "$reported" != "launchgate $version" ]; then
  rm -rf "$dir"
  fail "$archive holds \`$reported\`, not launchgate $version"
fi
printf '%s\n%s\n' "$target" "$actual" > "$dir.complete"
add_path "$dir"
echo "Installed launchgate $version ($target) in $dir"
