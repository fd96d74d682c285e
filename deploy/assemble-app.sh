#!/bin/sh
# Lays out what the runtime image holds, from a built source tree (after `npm run build` and
# `npm prune --omit=dev`): OUT/app (code, production dependencies, default rules) and
# OUT/var/lib/lookout (the state volume's mount point). Used by the Dockerfile's build stage and
# by deploy/build-image.sh --prebuilt, so both images hold the same files.
#   usage: assemble-app.sh SRC OUT
set -eu
src=$1
out=$2
app=$out/app
mkdir -p "$app" "$out/var/lib/lookout"
cp -R "$src/dist" "$src/node_modules" "$src/bin" "$src/package.json" "$app/"
for d in rules dashboards; do
  # YAML rules and built dashboard JSON are read at run time; their TypeScript is already in dist/.
  if [ -d "$src/$d" ]; then
    mkdir -p "$app/$d"
    (cd "$src/$d" && find . -type f ! -name '*.ts' ! -name '*.tsx' -print) | while read -r f; do
      mkdir -p "$app/$d/$(dirname "$f")"
      cp "$src/$d/$f" "$app/$d/$f"
    done
  fi
done
mkdir -p "$app/deploy"
cp "$src/deploy/healthcheck.js" "$app/deploy/"

nm=$app/node_modules
# better-sqlite3 is compiled in place: keep the addon, drop the SQLite sources and object files (~25 MB).
if [ -d "$nm/better-sqlite3" ]; then
  rm -rf "$nm/better-sqlite3/deps" "$nm/better-sqlite3/src"
  find "$nm/better-sqlite3/build" -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
  find "$nm/better-sqlite3/build/Release" -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
fi
# What no code path loads: type declarations, source maps, docs, package tests, the bin links
# (they point at dev tools) and npm's lockfile copy.
find "$nm" \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' -o -name '*.md' -o -name '*.markdown' \) -type f ! -iname 'license*' -exec rm -f {} +
find "$nm" -depth -type d \( -name test -o -name tests -o -name __tests__ -o -name docs -o -name example -o -name examples -o -name .github \) -exec rm -rf {} +
rm -rf "$nm/.bin" "$nm/.package-lock.json"
find "$app/dist" -name '*.map' -type f -exec rm -f {} +
# The code is root's and read-only to the service user; only the state folder is its own.
chmod -R a+rX,go-w "$app"
chown -R 1000:1000 "$out/var/lib/lookout" 2>/dev/null || true
