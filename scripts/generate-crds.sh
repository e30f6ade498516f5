#!/usr/bin/env bash
# Regenerates the CRD YAML from the C# types in src/Shoal.Api into config/crd and the Helm chart's crds/.
# Run it after changing a type; CrdDriftTests fails until the checked-in files match the types.
set -euo pipefail
cd "$(dirname "$0")/.."
# Absolute paths: `dotnet run` may start the program in the project folder rather than here.
exec dotnet run --project src/Shoal.Operator -c Release -- generate-crds "$PWD/config/crd" "$PWD/charts/shoal/crds"
