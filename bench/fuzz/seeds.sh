#!/usr/bin/env bash
# The seed corpus of every fuzz harness, from the test data and from what the CLI writes on it:
#   bench/fuzz/seeds.sh BUILD OUT     BUILD: a normal build (its fieldflow); OUT/<harness>/
# msh: the meshes of tests/data and one mesh of each order written by `fieldflow mesh`;
# sample, dataset, manifest: a 3-sample Darcy sweep of tests/data (sweep_darcy_coarse.opts)
# and a 2-sample airfoil sweep, coarser than the tests (one sample fails: a failure record);
# checkpoint: a small neural field and a small GNN trained for one epoch on the Darcy set;
# options: every case of cases/ and tests/data; json: what solve and predict write. Small
# models and coarse meshes keep the inputs small (fast executions).
set -euo pipefail
build=${1:?usage: seeds.sh BUILD OUT}
out=${2:?usage: seeds.sh BUILD OUT}
cli=$build/fieldflow
src=$(cd "$(dirname "$0")/../.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
work=$out/work
rm -rf "$work" "$out"/checkpoint/*.csv
mkdir -p "$work" "$out"/{msh,sample,dataset,manifest,checkpoint,options,json}

cp "$src"/tests/data/*.msh "$out/msh/"
"$cli" mesh -case "$src/tests/data/sweep_darcy_coarse.opts" -mesh_h 0.25 -o "$out/msh/square1.msh" > /dev/null
"$cli" mesh -case "$src/tests/data/sweep_darcy_coarse.opts" -mesh_h 0.25 -mesh_order 2 -o "$out/msh/square2.msh" > /dev/null

"$cli" generate -case "$src/tests/data/sweep_darcy_coarse.opts" -mesh_h 0.25 -n 3 -o "$work/darcy" -progress 0 > /dev/null
"$cli" generate -case "$src/tests/data/sweep_airfoil_coarse.opts" -mesh_h_body 0.06 -mesh_h_wake 0.4 -mesh_h 3 -n 2 -o "$work/airfoil" -progress 0 > /dev/null
for d in darcy airfoil; do
  for f in "$work/$d"/samples/*.h5; do cp "$f" "$out/sample/${d}_$(basename "$f")"; done
  cp "$work/$d/dataset.h5" "$out/dataset/$d.h5"
  cp "$work/$d/manifest.h5" "$out/manifest/$d.h5"
done

common=(-data "$work/darcy" -split all -epochs 1)
"$cli" train -model field -width 8 -depth 1 -hyper_width 8 -hyper_layers 1 -points 32 "${common[@]}" \
  -o "$out/checkpoint/field.h5" > /dev/null
"$cli" train -model gnn -width 8 -depth 1 "${common[@]}" -o "$out/checkpoint/gnn.h5" > /dev/null

for f in "$src"/cases/*/*.opts "$src"/tests/data/*.opts; do
  cp "$f" "$out/options/$(basename "$(dirname "$f")")_$(basename "$f")"
done

"$cli" solve -case "$src/tests/data/sweep_darcy_coarse.opts" -o "$work/solve.vtu" > /dev/null
cp "$work/solve.json" "$out/json/solve.json"
"$cli" predict -model "$out/checkpoint/field.h5" -case "$src/tests/data/sweep_darcy_coarse.opts" \
  -o "$work/predict.vtu" > /dev/null
cp "$work/predict.json" "$out/json/predict.json"
rm -rf "$work" "$out"/checkpoint/*.csv
