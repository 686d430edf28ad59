#!/usr/bin/env bash
# Regenerate src/client/ from openapi.json.
# With --from-backend, first ask the backend for a fresh OpenAPI document
# (needs backend/.venv, see the repository's development notes).
set -euo pipefail

frontend_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_dir="$(dirname "$frontend_dir")"

if [[ "${1:-}" == "--from-backend" ]]; then
  (cd "$repo_dir" && backend/.venv/bin/python -m sluice.openapi frontend/openapi.json)
fi

cd "$frontend_dir"
npx openapi-ts
