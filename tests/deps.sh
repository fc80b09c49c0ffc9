#!/bin/sh
# Install what the build and the tests need, when it is missing: Debian's
# packages with apt-get (as root; otherwise print the exact command), and
# the test clients and the examples' libraries from the committed npm
# lockfiles with `npm ci`.
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

# The independent clients the integration tests use (jose, ...), and the
# examples' libraries (examples/: the storefront and the development
# identity provider, which the tests run too), each from its lockfile.
for dir in tests examples; do
	if [ ! -f $dir/node_modules/.package-lock.json ] ||
	    [ $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]
	then
		(cd $dir && npm ci --no-audit --no-fund --loglevel=error)
	fi
done
