#!/usr/bin/env bash
# `make image-test`: build the project's Dockerfile, unchanged, with podman, then start what
# was built and check it (tests/image/check_image.py).
#
# These machines have no registry of base images and cannot run Docker's engine, so the
# base images are made here from Debian packages (debootstrap) and kept in podman's image
# store between runs; the build runs with chroot isolation and the host's network. Package
# downloads pass a TLS-inspecting gateway: the host's CA bundle is mounted into the build
# and pip and npm are pointed at it through the Dockerfile's CA build arguments.
#
# Settings (environment): SLUICE_IMAGE (the tag built), IMAGE_TEST_CA (the CA bundle),
# DEBIAN_MIRROR. Runs as root (podman's image store, debootstrap, mounts, chroot): `make
# image-test` runs it through sudo when needed.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "image-test: run as root (make image-test uses sudo)" >&2; exit 1; }
cd "$(dirname "$0")/../../.."

IMAGE=${SLUICE_IMAGE:-localhost/sluice:image-test}
CA=${IMAGE_TEST_CA:-/etc/ssl/certs/ca-certificates.crt}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BASES=localhost/sluice-image-test
DEBIAN=$BASES/debian:bookworm
PYTHON=$BASES/python:3.11-bookworm
NODE=$BASES/node:$(node --version)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS

tools() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  [ ${#missing[@]} = 0 ] || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
}

# Build a small image from an inline Containerfile ($3) with the context folder $2.
build_base() {
  printf '%s\n' "$3" >"$2/Containerfile"
  podman build --isolation=chroot --network=host --tag "$1" "$2" >"$2.log" 2>&1 \
    || { tail -20 "$2.log"; return 1; }
}

debian_base() {
  podman image exists "$DEBIAN" && return
  echo "image-test: making $DEBIAN with debootstrap (once; kept in podman's image store)"
  debootstrap --variant=minbase bookworm "$WORK/debian" "$MIRROR" >"$WORK/debootstrap.log" \
    || { tail -20 "$WORK/debootstrap.log"; return 1; }
  # As Debian's official images do: no package cache, no package lists.
  rm -rf "$WORK/debian"/var/cache/apt/archives/*.deb "$WORK/debian"/var/cache/apt/*.bin \
    "$WORK/debian"/var/lib/apt/lists/*
  tar -C "$WORK/debian" -c . | podman import --quiet - "$DEBIAN" >/dev/null
  rm -rf "$WORK/debian"
}

python_base() {
  podman image exists "$PYTHON" && return
  echo "image-test: making $PYTHON"
  mkdir "$WORK/python"
  build_base "$PYTHON" "$WORK/python" "FROM $DEBIAN
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv \
 && apt-get clean && rm -rf /var/lib/apt/lists/*"
}

# Debian's Node.js is older than the dashboard needs: the node base carries this machine's.
node_base() {
  podman image exists "$NODE" && return
  echo "image-test: making $NODE from $(command -v node)"
  local node prefix context=$WORK/node
  node=$(readlink -f "$(command -v node)")
  prefix=$(dirname "$(dirname "$node")")
  mkdir -p "$context/usr/local/bin" "$context/usr/local/lib/node_modules"
  cp "$node" "$context/usr/local/bin/node"
  cp -a "$prefix/lib/node_modules/npm" "$context/usr/local/lib/node_modules/"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$context/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$context/usr/local/bin/npx"
  build_base "$NODE" "$context" "FROM $DEBIAN
COPY usr/ /usr/"
}

build_image() {
  local before after
  before=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
  local began=$SECONDS
  podman build --isolation=chroot --network=host --format docker \
    --build-arg PYTHON_IMAGE="$PYTHON" --build-arg NODE_IMAGE="$NODE" \
    --volume "$CA:/host-ca.crt:ro" \
    --build-arg PIP_CERT=/host-ca.crt --build-arg NPM_CONFIG_CAFILE=/host-ca.crt \
    --tag "$IMAGE" --file Dockerfile . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log"; return 1; }
  local seconds=$((SECONDS - began))
  after=$(podman image inspect --format '{{.Id}}' "$IMAGE")
  # The image this one replaces, now untagged, would otherwise pile up run after run.
  if [ -n "$before" ] && [ "$before" != "$after" ]; then
    podman rmi "$before" >/dev/null 2>&1 || true
  fi
  local size
  size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
  echo "image-test: built $IMAGE in ${seconds} s; size $((size / 1000000)) MB"
}

tools
debian_base
python_base
node_base
build_image
(cd backend && SLUICE_IMAGE=$IMAGE .venv/bin/pytest tests/image/check_image.py -q -p no:cacheprovider)
echo "image-test: done in $((SECONDS - started)) s"
