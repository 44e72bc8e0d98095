#!/bin/sh
# Installs the Debian packages beian needs, only those that are missing.
# usage: deps.sh LIB-PACKAGES... -- TOOL-PACKAGES... -- FONT-PACKAGES...
missing=""
for p in "$@"; do
  [ "$p" = "--" ] && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "deps: these Debian packages are missing:$missing" >&2
  echo "deps: install them as root: apt-get install$missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: no apt-get here; install the equivalents of:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || echo "deps: apt-get update failed; trying the install anyway" >&2
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
  echo "deps: apt-get install failed for:$missing" >&2
  exit 1
fi
echo "deps: done"
