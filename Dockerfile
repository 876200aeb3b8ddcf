# syntax=docker/dockerfile:1
# Relay (and presence, when present) in one small image. Build: `npm run image` (docker or podman), or
#   docker build -t tencent-member-state-relay .
#   docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/tencent-member-state-relay .
# No step depends on the build machine's CPU: npm picks the packages for the platform it builds for.
# Run: docker run -e KAFKA_BROKERS=… -e TENCENT_SDK_APP_IDS=… -p 3000:3000 -v relay-outbox:/data tencent-member-state-relay

# Build stage: full toolchain, so better-sqlite3's native module is built (or taken from the builds it
# ships) for this Node 24, this CPU and this libc, the same family as the runtime stage.
FROM node:24-bookworm AS build
WORKDIR /app
# patches/ before npm ci: its postinstall applies them (kafkajs leader-change fix, patches/README.md).
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts/dlq ./scripts/dlq
COPY scripts/tool-support ./scripts/tool-support
# One build compiles every app, lib and operator tool the image holds (tsconfig.build.json): dist/apps/relay,
# dist/apps/presence, dist/apps/reconciler and dist/scripts/dlq (`node dist/scripts/dlq/main.js list` in a
# relay container). The simulator is a development tool, run from a checkout (`npm run simulate`).
RUN npx nest build relay \
 && test -f dist/apps/relay/src/main.js && test -f dist/apps/presence/src/main.js && test -f dist/apps/reconciler/src/main.js && test -f dist/scripts/dlq/main.js \
 # The runtime needs neither the dev tools nor the project's own Node build (an optional package for
 # machines with an older Node; the image has its Node 24): package-lock.spec.ts checks that the Node
 # builds are the only optional packages the runtime tree holds.
 && npm prune --omit=dev --omit=optional --no-audit --no-fund

# Runtime stage: no compiler, no sources, a non-root user, the outbox on a volume.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready = callbacks can be accepted (outbox writable and under its bound); see docs/operations.md.
# The check asks 127.0.0.1:$PORT, over HTTPS when TLS_CERT_FILE is set (apps/relay/src/health/health-check.ts).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "dist/apps/relay/src/health/health-check.js", "/health/ready"]
# SIGTERM: stop accepting, deliver the outbox for up to SHUTDOWN_TIMEOUT_MS, exit 0.
STOPSIGNAL SIGTERM
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=4", "--disable-warning=TimeoutNegativeWarning", "dist/apps/relay/src/main.js"]
