#!/usr/bin/env bash
# Issue 16's GPU measurements in one run: which backend `auto` picks and whether it gives wasm's
# answers; train-throughput at batches 256-8192 and hidden sizes up to 1024x1024 on webgpu, on wasm
# and on PyTorch CUDA (the peer); the pipeline overhead on webgpu; GPU utilisation from nvidia-smi
# sampled every 200 ms during each timed run. Results, logs and summary.json land in OUT_DIR.
#   bash bench/gpu.sh [OUT_DIR]                  from a checkout after npm ci (runs the .ts through tsx)
#   node bench/gpu-bundle.mjs DIR; DIR/bench/gpu.sh [OUT_DIR]   on a GPU machine with no registry access
# Needs: an NVIDIA driver with its Vulkan ICD and libvulkan1 (Dawn drives the GPU through Vulkan),
# python3 with torch for the peer. Env: ROWS (32768), WASM_ROWS (8192: one core), BATCHES, HIDDEN,
# PHASE_TIMEOUT (s, 240), PHASES (probe,webgpu,torch,overhead,wasm).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/../bin/node" ] && export PATH="$here/../bin:$PATH" # a bundle made with --node
out=${1:-$PWD/gpu-bench}
mkdir -p "$out"
ROWS=${ROWS:-32768}
BATCHES=${BATCHES:-256,1024,4096,8192}
HIDDEN=${HIDDEN:-64x32,256x256,1024x1024}
T=${PHASE_TIMEOUT:-240}
PHASES=${PHASES:-probe,webgpu,torch,overhead,wasm}
run_phase() { [[ ",$PHASES," == *",$1,"* ]]; }
log() { echo "[gpu.sh $(date +%T)] $*" | tee -a "$out/gpu.log" >&2; }
if [ -f "$here/train-throughput.mjs" ]; then
  bench() { timeout "$T" node "$here/$1.mjs"; }
else
  bench() { (cd "$here/.." && timeout "$T" npx tsx "bench/$1.ts"); }
fi

ldconfig -p | grep -q 'libvulkan.so.1' || log 'no libvulkan.so.1 on this machine: install libvulkan1 (webgpu will be unavailable)'
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ] && [ -z "$(ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* 2>/dev/null)" ]; then
  export VK_DRIVER_FILES=$icd
  log "using the NVIDIA Vulkan ICD at $icd"
fi
node --version >>"$out/gpu.log"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee -a "$out/gpu.log"
nvidia-smi --query-gpu=timestamp,utilization.gpu,utilization.memory,memory.used,power.draw,clocks.sm \
  --format=csv,noheader,nounits -lms 200 >"$out/gpu-samples.csv" 2>/dev/null &
smi=$!
trap 'kill $smi 2>/dev/null' EXIT

run_phase probe && log 'probe: auto, then wasm (same seed)'
run_phase probe && for b in auto wasm; do TRAINYARD_BACKEND=$b bench backend-probe >>"$out/probe.jsonl" 2>>"$out/probe.log"; done
cat "$out/probe.jsonl" 2>/dev/null

run_phase webgpu && log "webgpu grid: hidden $HIDDEN, batches $BATCHES, $ROWS rows" &&
BACKENDS=webgpu TORCH=0 FIT=0 EPOCHS=3 ROWS=$ROWS BATCHES=$BATCHES HIDDEN=$HIDDEN BENCH_VERBOSE=1 \
  bench train-throughput >"$out/webgpu.jsonl" 2>"$out/webgpu.log"
tail -n 3 "$out/webgpu.jsonl" 2>/dev/null

run_phase torch && log 'PyTorch CUDA grid (the peer)' &&
HIDDEN=$HIDDEN ROWS=$ROWS TORCH_DEVICE=cuda timeout "$T" python3 "$here/torch_baseline.py" 3 "$BATCHES" >"$out/torch-cuda.jsonl" 2>"$out/torch.log"
tail -n 2 "$out/torch-cuda.jsonl" 2>/dev/null

run_phase overhead && log 'pipeline overhead on webgpu' &&
TRAINYARD_BACKEND=webgpu BATCHES=256,4096 HIDDEN=256x256 ROWS=$ROWS ROUNDS=${ROUNDS:-11} bench pipeline-overhead >"$out/overhead.jsonl" 2>"$out/overhead.log"
cat "$out/overhead.jsonl" 2>/dev/null

run_phase wasm && log 'wasm grid (one thread: tfjs wasm in Node), one timed epoch' &&
BACKENDS=wasm TORCH=0 FIT=0 EPOCHS=1 ROWS=${WASM_ROWS:-8192} BATCHES=$BATCHES HIDDEN=$HIDDEN \
  bench train-throughput >"$out/wasm.jsonl" 2>"$out/wasm.log"

kill $smi 2>/dev/null
python3 "$here/gpu_summary.py" "$out" | tee "$out/summary.txt"
