"""Summarises bench/gpu.sh's output folder: samples/s per (hidden, batch) on webgpu, wasm and
PyTorch CUDA, their ratios, mean GPU utilisation (nvidia-smi samples inside each timed run), the
pipeline overhead, and the same-answers check (auto vs wasm). Usage: python3 gpu_summary.py DIR"""
import json
import sys
from datetime import datetime
from pathlib import Path

out = Path(sys.argv[1])


def lines(name):
    p = out / name
    if not p.exists():
        return []
    rows = []
    for line in p.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            pass
    return rows


samples = []
for line in (out / "gpu-samples.csv").read_text().splitlines() if (out / "gpu-samples.csv").exists() else []:
    parts = [p.strip() for p in line.split(",")]
    try:
        t = datetime.strptime(parts[0], "%Y/%m/%d %H:%M:%S.%f").timestamp() * 1000
        samples.append((t, float(parts[1]), float(parts[3])))
    except (ValueError, IndexError):
        pass


def util(r):
    inside = [s for s in samples if r.get("t_start", 0) <= s[0] <= r.get("t_end", 0)]
    if not inside:
        return None, None, 0
    return round(sum(s[1] for s in inside) / len(inside), 1), max(s[2] for s in inside), len(inside)


results = lines("webgpu.jsonl") + lines("wasm.jsonl") + lines("torch-cuda.jsonl")
key = lambda r: (r.get("hidden", "64x32"), r.get("batch"))
table = {}
for r in results:
    if r.get("bench") != "train_throughput" or "samples_per_s" not in r:
        continue
    name = r.get("backend") if r.get("framework") == "trainyard" else r.get("framework") + "-" + r.get("device", "cpu")
    table.setdefault(key(r), {})[name] = r
summary = []
print(f"{'hidden':>9} {'batch':>5} {'webgpu/s':>10} {'gpu util%':>9} {'wasm/s':>9} {'torch-cuda/s':>12} {'torch util%':>11} {'webgpu/wasm':>11} {'webgpu/torch':>12}")
for k in sorted(table, key=lambda k: (int(k[0].split("x")[0]), k[1])):
    row = table[k]
    w, a, t = row.get("webgpu"), row.get("wasm"), row.get("pytorch-noclip-cuda")
    wu = util(w) if w else (None, None, 0)
    tu = util(t) if t else (None, None, 0)
    item = {
        "hidden": k[0],
        "batch": k[1],
        "webgpu_samples_per_s": w and w["samples_per_s"],
        "webgpu_gpu_util_pct": wu[0],
        "webgpu_gpu_mem_mib": wu[1],
        "wasm_samples_per_s": a and a["samples_per_s"],
        "torch_cuda_samples_per_s": t and t["samples_per_s"],
        "torch_cuda_clip_samples_per_s": row.get("pytorch-cuda", {}).get("samples_per_s"),
        "torch_gpu_util_pct": tu[0],
        "webgpu_vs_wasm": round(w["samples_per_s"] / a["samples_per_s"], 2) if w and a else None,
        "webgpu_vs_torch_cuda": round(w["samples_per_s"] / t["samples_per_s"], 3) if w and t else None,
    }
    summary.append(item)
    f = lambda v: "-" if v is None else str(v)
    print(f"{k[0]:>9} {k[1]:>5} {f(item['webgpu_samples_per_s']):>10} {f(wu[0]):>9} {f(item['wasm_samples_per_s']):>9} {f(item['torch_cuda_samples_per_s']):>12} {f(tu[0]):>11} {f(item['webgpu_vs_wasm']):>11} {f(item['webgpu_vs_torch_cuda']):>12}")
for r in lines("overhead.jsonl"):
    print("pipeline overhead", json.dumps(r))
probes = {r["preference"]: r for r in lines("probe.jsonl") if r.get("bench") == "backend_probe"}
if "auto" in probes and "wasm" in probes:
    a, b = probes["auto"], probes["wasm"]
    diff = max(abs(x - y) / abs(y) for x, y in zip(a["losses"] + a["val_losses"], b["losses"] + b["val_losses"]))
    print(f"auto chose {a['backend']} ({(a.get('adapter') or {}).get('description')}); max relative loss difference vs wasm: {diff:.2e}")
    summary.append({"same_answers": {"auto_backend": a["backend"], "adapter": a.get("adapter"), "max_rel_loss_diff_vs_wasm": diff}})
(out / "summary.json").write_text(json.dumps(summary, indent=1))
