# lookout: the collector (and, on one host, the alerter) as a sidecar container.
#
#   docker build -t lookout .
#   docker run -d --name lookout --init --read-only --tmpfs /tmp \
#     --group-add "$(stat -c %g /var/run/docker.sock)" --group-add 0 \
#     -v /var/run/docker.sock:/var/run/docker.sock:ro \
#     -v /var/lib/docker/containers:/var/lib/docker/containers:ro \
#     -v /sys/fs/cgroup:/host/sys/fs/cgroup:ro -v /proc:/host/proc:ro -e LOOKOUT_COLLECTOR__HOST_ROOT=/host \
#     -v lookout-state:/var/lib/lookout -v "$PWD/lookout.yaml:/etc/lookout/lookout.yaml:ro" \
#     lookout run --config /etc/lookout/lookout.yaml
#
# deploy/compose.yaml is the same as a compose file; deploy/README.md explains each mount.
# BASE_IMAGE is a build argument so that a machine without a registry can build on a base made
# from its own files (deploy/make-base-image.sh, deploy/build-image.sh).

ARG BASE_IMAGE=node:20-bookworm-slim
ARG BUILD_IMAGE=${BASE_IMAGE}

# ---- build: compile TypeScript and the better-sqlite3 addon, keep production dependencies ----
FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# node-gyp needs python3, make and a C++ compiler; the official slim image has none of them.
RUN if ! command -v python3 >/dev/null || ! command -v make >/dev/null || ! command -v g++ >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
      && rm -rf /var/lib/apt/lists/*; \
    fi
COPY package.json package-lock.json ./
# The addon is compiled here, against the headers that ship with node (npm_config_nodedir), so the
# build fetches nothing but npm packages and the binary matches this base's glibc and Node ABI.
RUN nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"; \
    if [ -f "$nodedir/include/node/node.h" ]; then export npm_config_nodedir="$nodedir"; fi; \
    npm_config_build_from_source=true npm ci --no-audit --no-fund \
    && node -e "new (require('better-sqlite3'))(':memory:').close()"
COPY . .
# The image has no .git: `lookout --version` reads the commit from dist/COMMIT
# (deploy/build-image.sh passes it as --build-arg LOOKOUT_COMMIT=<the checkout's commit>).
ARG LOOKOUT_COMMIT=
RUN npm run build \
    && if [ -n "$LOOKOUT_COMMIT" ]; then echo "$LOOKOUT_COMMIT" >dist/COMMIT; fi \
    && npm prune --omit=dev --no-audit --no-fund \
    && sh deploy/assemble-app.sh /src /out

# ---- runtime: node, the compiled code, production node_modules, default rules ----
FROM ${BASE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="lookout" \
      org.opencontainers.image.description="Docker host monitoring: collector sidecar and alerter" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /app
# Code belongs to root and is read-only to the service user; only the state folder is its own.
# (deploy/build-image.sh --prebuilt rewrites the two COPY --from=build lines to copy the same
# /out tree from a context it prepared on the host; keep them in this form.)
COPY --from=build --chown=0:0 /out/app /app
COPY --from=build --chown=1000:1000 /out/var/lib/lookout /var/lib/lookout
# uid 1000 (`node` in the official images and in local/node20-base). Reading the Docker socket
# needs its group: `--group-add $(stat -c %g /var/run/docker.sock)`; reading json-file logs needs
# group 0 (dockerd makes them root:root 0640 in root:root 0710 folders): `--group-add 0`.
USER 1000:1000
# The state store (log offsets, spool, alert states, outbox). With --read-only this and /tmp are
# the only writable places.
VOLUME ["/var/lib/lookout"]
# /healthz and /metrics listen on 127.0.0.1:9464 unless LOOKOUT_HTTP__LISTEN says otherwise.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.js"]
ENTRYPOINT ["node", "/app/bin/lookout"]
CMD ["run"]
