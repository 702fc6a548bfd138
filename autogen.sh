#!/bin/sh
# Regenerate the build system from a git checkout.
set -e
cd "$(dirname "$0")"
mkdir -p build-aux m4
autoreconf -fi
# automake does not copy its TAP driver by itself
for d in /usr/share/automake-*; do
	if [ -f "$d/tap-driver.sh" ]; then cp -f "$d/tap-driver.sh" build-aux/; break; fi
done
