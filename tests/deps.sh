#!/bin/sh
# Install what the build and the tests need, when it is missing: Debian's
# packages with apt-get (as root; otherwise print the exact command), and
# the test clients from the committed npm lockfile with `npm ci`.
#
#   deps.sh PACKAGE...	the Debian packages the GNUmakefile lists
set -eu

missing=
for pkg in "$@"; do
	case $pkg in
	nodejs|npm)
		# Node may come from another Debian source; ask for the commands.
		command -v "${pkg%js}" >/dev/null 2>&1 && continue ;;
	*)
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		    grep -q 'install ok installed' && continue ;;
	esac
	missing="$missing $pkg"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "guise needs these Debian packages:$missing" >&2
		echo "install them with:  sudo apt-get install -y$missing" >&2
		exit 1
	fi
	echo "installing:$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# The independent clients the integration tests use (jose, ...).
if [ ! -f tests/node_modules/.package-lock.json ] ||
    [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
	(cd tests && npm ci --no-audit --no-fund --loglevel=error)
fi
