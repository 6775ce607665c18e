# The surrogates' recipes of docs/surrogates.md, one place for the bench scripts that compare
# models (bench/mlgnn_targets.sh, mlgnn_equal_cpu.sh, rans_surrogate.sh): each model's own
# options; the budget, schedule and data options are the caller's.
#   . bench/surrogate_recipes.sh; model_recipe mlgnn
model_recipe() {
  case "$1" in
  field) echo "-model field -width 128 -depth 5 -hyper_width 128 -points 4096 -batch 4 -lr 1e-3" ;;
  gnn) echo "-model gnn -width 64 -blocks 5 -depth 1 -batch 2 -lr 1e-3" ;;
  mlgnn) echo "-model mlgnn -width 64 -depth 1 -levels 4 -level_blocks 1,2,2,2 -coarsen 4 -mix_blocks 2 -slices 32 \
-heads 4 -fourier_freq 16 -batch 2 -lr 3e-3 -warmup 200" ;;
  *) echo "unknown model '$1' (field, gnn, mlgnn)" >&2 && return 2 ;;
  esac
}
