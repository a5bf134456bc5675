#!/usr/bin/env bash
# What the .deb needs besides the files the Tauri bundler writes, so that Debian's own
# package checker (lintian) has nothing to report: the copyright file (from the About
# dialog's list of components), the changelog, a manual page made from the binary's --help,
# and Depends from the libraries the binary really links (dpkg-shlibdeps, as Debian's own
# packages get them). Writes target/package/<profile>/ with a bundler configuration,
# deb.json, that adds them:
#
#   .ci/deb-extras.sh target/debug/licensedesk
#   tauri bundle --debug --bundles deb --config target/package/debug/deb.json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1")
out=$root/target/package/$(basename "$(dirname "$bin")")
rm -rf "$out"
mkdir -p "$out"

version=$("$bin" --version | awk '{print $2}')
changelog=$root/src-tauri/debian/changelog
logged=$(dpkg-parsechangelog -l "$changelog" -S Version)
if [ "$logged" != "$version" ]; then
  echo "deb-extras: the binary is version $version but $changelog starts with $logged;" \
       "add an entry for $version at its top" >&2
  exit 1
fi
# -n: no name or time stamp inside the gzip file, so the same input gives the same package.
gzip -9n <"$changelog" >"$out/changelog.gz"

node "$root/ui/scripts/debian-copyright.mjs" "$out/copyright" >/dev/null

# The page's date is the changelog's, not today's, so that rebuilding changes nothing.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$changelog" -S Timestamp) \
  help2man --no-info --section=1 --no-discard-stderr \
    --name="offline license administration for a cloud phone system" \
    --output="$out/licensedesk.1" "$bin"
gzip -9n "$out/licensedesk.1"

# dpkg-shlibdeps reads the package name from a debian/control in the folder it runs in.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/debian"
printf 'Source: licensedesk\n\nPackage: licensedesk\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e"$bin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')

OUT=$out DEPENDS=$depends node -e '
  const { OUT, DEPENDS } = process.env;
  const doc = "/usr/share/doc/licensedesk";
  const config = { bundle: { linux: { deb: {
    // The bundler always adds these two itself, unversioned: listed again they would repeat.
    depends: DEPENDS.split(",").map((d) => d.trim())
      .filter((d) => d && !/^(libwebkit2gtk-4\.1-0|libgtk-3-0)\b/.test(d)),
    files: {
      [`${doc}/copyright`]: `${OUT}/copyright`,
      [`${doc}/changelog.gz`]: `${OUT}/changelog.gz`,
      "/usr/share/man/man1/licensedesk.1.gz": `${OUT}/licensedesk.1.gz`,
    },
  } } } };
  require("fs").writeFileSync(`${OUT}/deb.json`, JSON.stringify(config, null, 2) + "\n");
'
echo "deb-extras: $out (Depends: $depends)"
