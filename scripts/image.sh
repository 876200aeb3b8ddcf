#!/usr/bin/env bash
# `npm run image [-- <more build options>]`: builds the relay's container image from the Dockerfile
# with docker or podman, the first that answers (`info`: a docker CLI without its daemon does not;
# CONTAINER_ENGINE=docker|podman chooses), tagged
# $IMAGE (default tencent-member-state-relay:local, the tag docker-compose.yml runs). For both CPU
# architectures at once: docker buildx build --platform linux/amd64,linux/arm64 -t <registry>/<name> --push .
set -euo pipefail
cd "$(dirname "$0")/.."
engine="${CONTAINER_ENGINE:-}"
if [ -z "$engine" ]; then
  for candidate in docker podman; do
    if "$candidate" info >/dev/null 2>&1; then engine="$candidate"; break; fi
  done
fi
if [ -z "$engine" ]; then
  echo "npm run image: no container engine answers (neither \`docker info\` nor \`podman info\` succeeds)" >&2
  exit 1
fi
options=(build --tag "${IMAGE:-tencent-member-state-relay:local}")
if [ "$(basename "$engine")" = podman ]; then
  # Docker's image format keeps the Dockerfile's HEALTHCHECK (podman's default OCI format drops it);
  # the host's network lets `npm ci` reach the registry where podman's build network has no route out.
  # (Base images already on the machine are used as they are: podman's pull policy is "missing", so
  # the local stand-ins of ../shared/docs/containers.md serve where Docker Hub cannot be reached.)
  options+=(--format docker --network host)
fi
echo "== $engine ${options[*]} $* ." >&2
exec "$engine" "${options[@]}" "$@" .
