#!/usr/bin/env bash
# Makes Node 20 base images from this machine's own files, for places that reach no container
# registry (CI here). Users with a registry never need this: the Dockerfile defaults to the
# official node:20-bookworm-slim.
#
#   deploy/make-base-image.sh            -> local/node20-base   (runtime: node + the shared libraries
#                                            it and better-sqlite3 load, CA certificates, a `node`
#                                            user with uid 1000; no shell, no package manager)
#   deploy/make-base-image.sh --build    -> also local/node20-build (Debian bookworm minbase made with
#                                            debootstrap from the configured Debian mirror, plus
#                                            python3, make, g++ and this machine's node, npm and
#                                            headers), for running the Dockerfile's build stage
#
# Idempotent: an image that already exists is kept unless --force is given.
set -euo pipefail

RUNTIME_TAG=${RUNTIME_TAG:-local/node20-base}
BUILD_TAG=${BUILD_TAG:-local/node20-build}
want_build=0
force=0
for arg in "$@"; do
  case "$arg" in
    --build) want_build=1 ;;
    --force) force=1 ;;
    *) echo "usage: $0 [--build] [--force]" >&2; exit 2 ;;
  esac
done

have_image() { [ "$force" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

NODE_BIN=$(readlink -f "$(command -v node)")
NODE_VERSION=$("$NODE_BIN" -p process.versions.node)
case "$NODE_VERSION" in
  20.*) ;;
  *) echo "make-base-image: this machine's node is $NODE_VERSION; the image needs Node 20" >&2; exit 1 ;;
esac

# Every shared object a file loads, resolved on this machine (ldd prints "name => path (addr)" or "path (addr)").
libs_of() {
  ldd "$1" | awk '/=>/ { if ($3 ~ /^\//) print $3; next } $1 ~ /^\// { print $1 }'
}

# Copies a file into the root filesystem at the same path, keeping symlinks resolved to real files.
put() {
  local src=$1 root=$2
  mkdir -p "$root$(dirname "$src")"
  cp -L "$src" "$root$src"
}

make_runtime() {
  local root
  root=$(mktemp -d /tmp/lookout-rootfs.XXXXXX)
  chmod 755 "$root"
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root"/{usr/local/bin,etc/ssl/certs,tmp,home/node,lib64}
  chmod 1777 "$root/tmp"
  cp "$NODE_BIN" "$root/usr/local/bin/node"
  # better-sqlite3's addon needs libstdc++/libgcc_s/libm/libc, which node itself already loads;
  # listed anyway so a change in either shows up here.
  local addon
  addon=$(ls "$(dirname "$0")"/../node_modules/better-sqlite3/build/Release/better_sqlite3.node 2>/dev/null || true)
  { libs_of "$NODE_BIN"; [ -n "$addon" ] && libs_of "$addon"; } | sort -u | while read -r lib; do
    put "$lib" "$root"
  done
  # Debian keeps libraries in /lib/x86_64-linux-gnu (a symlink to /usr/lib/... on merged-usr);
  # give the loader both spellings.
  if [ -d "$root/lib/x86_64-linux-gnu" ] && [ ! -e "$root/usr/lib/x86_64-linux-gnu" ]; then
    mkdir -p "$root/usr/lib" && ln -s /lib/x86_64-linux-gnu "$root/usr/lib/x86_64-linux-gnu"
  fi
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  # Same user and uid as the official node images, so the Dockerfile's USER line works on both.
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\nnobody:x:65534:65534::/nonexistent:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
  chown 1000:1000 "$root/home/node"
  tar -C "$root" --numeric-owner -c . | docker import \
    -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
    -c "ENV NODE_VERSION=$NODE_VERSION" \
    -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    -c 'CMD ["node"]' \
    -m "node $NODE_VERSION runtime from the host's files" \
    - "$RUNTIME_TAG" >/dev/null
  docker run --rm --pull never --network none --user 1000:1000 "$RUNTIME_TAG" node -e 'process.exit(0)'
  echo "made $RUNTIME_TAG (node $NODE_VERSION)"
}

make_build() {
  command -v debootstrap >/dev/null || apt-get install -y --no-install-recommends debootstrap >/dev/null
  local mirror root
  # The mirror apt already uses here (the first deb.debian.org-style URI in the sources).
  mirror=$(grep -hoE '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v security | head -1 | awk '{print $2}' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  root=$(mktemp -d /tmp/lookout-buildfs.XXXXXX)
  trap 'rm -rf "$root"' RETURN
  debootstrap --variant=minbase --include=python3,make,g++,ca-certificates bookworm "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -20 "$root.log" >&2; exit 1; }
  rm -f "$root.log"
  cp "$NODE_BIN" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/include"
  cp -a "$(dirname "$(dirname "$NODE_BIN")")/lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # Headers, so node-gyp builds the addon without downloading them (the Dockerfile points
  # npm_config_nodedir at the prefix that has include/node).
  cp -a "$(dirname "$(dirname "$NODE_BIN")")/include/node" "$root/usr/local/include/node"
  # This machine's trust store and npm settings: where npm's registry is reached through a
  # TLS-inspecting proxy, its CA is in there, and the build stage's `npm ci` needs it too.
  cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$root/usr/local/etc"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' >"$root/usr/local/etc/npmrc"
  chroot "$root" sh -c 'getent passwd node >/dev/null || { groupadd -g 1000 node && useradd -u 1000 -g node -m node; }'
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" --numeric-owner -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "ENV NODE_VERSION=$NODE_VERSION" \
    -c 'CMD ["/bin/bash"]' \
    -m "bookworm minbase + build tools + node $NODE_VERSION from the host" \
    - "$BUILD_TAG" >/dev/null
  echo "made $BUILD_TAG"
}

if have_image "$RUNTIME_TAG"; then echo "$RUNTIME_TAG exists"; else make_runtime; fi
if [ "$want_build" = 1 ]; then
  if have_image "$BUILD_TAG"; then echo "$BUILD_TAG exists"; else make_build; fi
fi
