#!/usr/bin/env bash
# Builds the lookout image and prints its size.
#
#   deploy/build-image.sh [--tag T]               the Dockerfile as users run it (base node:20-bookworm-slim
#                                                 from a registry)
#   deploy/build-image.sh --local [--tag T]       the same multi-stage Dockerfile on local bases made by
#                                                 deploy/make-base-image.sh --build (no container registry;
#                                                 npm ci inside the build stage reaches the npm registry
#                                                 through --network host)
#   deploy/build-image.sh --prebuilt [--tag T]    CI here: compiles on the host (tsc, the host's installed
#                                                 node_modules pruned to production), then builds only the
#                                                 Dockerfile's runtime stage, on local/node20-base. No network.
#
# The last line printed is `image TAG size BYTES (N MB)`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
mode=registry
tag=lookout:dev
# Development only: emit dist/ even when the tree has type errors (tsc still emits); CI never sets it.
allow_type_errors=0
while [ $# -gt 0 ]; do
  case "$1" in
    --local) mode=local ;;
    --prebuilt) mode=prebuilt ;;
    --tag) tag=$2; shift ;;
    --allow-type-errors) allow_type_errors=1 ;;
    *) echo "usage: $0 [--local|--prebuilt] [--tag TAG]" >&2; exit 2 ;;
  esac
  shift
done

# Turns the Dockerfile into a runtime-only one whose `COPY --from=build ... /out/...` lines copy
# the same tree from the build context: one source of truth for what the runtime image is.
runtime_dockerfile() {
  awk '
    /^ARG BASE_IMAGE=/ { print; next }
    /^FROM .* AS runtime$/ { on = 1 }
    on && /^COPY --from=build / { sub(/--from=build /, ""); sub(/ \/out\//, " out/"); n++ }
    on { print }
    END { if (n != 2) { print "runtime_dockerfile: expected 2 COPY --from=build lines in the runtime stage, found " n > "/dev/stderr"; exit 1 } }
  ' "$repo/Dockerfile"
}

# The commit `lookout --version` names inside the image (which has no .git).
commit=$(git -C "$repo" describe --always --dirty --abbrev=12 --exclude='*' 2>/dev/null || true)

case "$mode" in
  registry)
    docker build --build-arg LOOKOUT_COMMIT="$commit" -t "$tag" "$repo"
    ;;
  local)
    "$here/make-base-image.sh" --build
    docker build --network host \
      --build-arg BASE_IMAGE=local/node20-base --build-arg BUILD_IMAGE=local/node20-build \
      --build-arg LOOKOUT_COMMIT="$commit" -t "$tag" "$repo"
    ;;
  prebuilt)
    "$here/make-base-image.sh"
    stage=$(mktemp -d /tmp/lookout-image.XXXXXX)
    trap 'rm -rf "$stage"' EXIT
    src=$stage/src
    mkdir -p "$src"
    (cd "$repo" && node_modules/.bin/tsc -p tsconfig.build.json --outDir "$src/dist") \
      || [ "$allow_type_errors" = 1 ] || { echo "build-image: the TypeScript build failed" >&2; exit 1; }
    [ -z "$commit" ] || [ ! -d "$src/dist" ] || echo "$commit" >"$src/dist/COMMIT"
    cp -R "$repo/bin" "$repo/deploy" "$repo/package.json" "$repo/package-lock.json" "$src/"
    for d in rules dashboards; do [ -d "$repo/$d" ] && cp -R "$repo/$d" "$src/"; done
    # The host's dependencies were installed (and better-sqlite3 compiled) for this same node and
    # glibc, which local/node20-base is made of; prune a copy, never the shared tree.
    cp -R "$repo/node_modules" "$src/node_modules"
    (cd "$src" && npm prune --omit=dev --no-audit --no-fund --offline >/dev/null)
    sh "$here/assemble-app.sh" "$src" "$stage/out"
    rm -rf "$src"
    runtime_dockerfile >"$stage/Dockerfile"
    docker build --network none --build-arg BASE_IMAGE=local/node20-base -t "$tag" "$stage"
    ;;
esac

size=$(docker image inspect -f '{{.Size}}' "$tag")
echo "image $tag size $size ($(( (size + 524288) / 1048576 )) MB)"
