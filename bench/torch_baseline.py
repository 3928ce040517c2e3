"""PyTorch reference for the train-throughput benchmark: the same canonical MLP, data shape and
loop (Adam, dropout, clipped gradients, per-epoch validation pass). Prints one JSON line per run.
Arguments: epochs (default 5), batch sizes (default "32,64,256"). Env: HIDDEN (hidden sizes, e.g.
"64x32,1024x1024"), ROWS (training rows, 16000), TORCH_DEVICE (cpu, or cuda: the GPU, where the
data lives on the device and every step is synchronised at each epoch end by the validation pass)."""
import json
import os
import sys
import time

import torch
from torch import nn

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BATCHES = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "32,64,256").split(",")]
HIDDEN = [[int(u) for u in h.split("x")] for h in os.environ.get("HIDDEN", "64x32").split(",")]
ROWS = int(os.environ.get("ROWS", "16000"))
DEVICE = os.environ.get("TORCH_DEVICE", "cpu")


def mlp(f: int, hidden: list) -> nn.Sequential:
    layers, width = [], f
    for units in hidden:
        layers += [nn.Linear(width, units), nn.ReLU(), nn.Dropout(0.2)]
        width = units
    return nn.Sequential(*layers, nn.Linear(width, 3))


def run(threads: int, batch: int, clip: bool, hidden: list) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    n, val_n, f = ROWS, ROWS // 4, 40
    dev = torch.device(DEVICE)
    x = torch.randn(n, f, device=dev)
    y = torch.randint(0, 3, (n,), device=dev)
    xv = torch.randn(val_n, f, device=dev)
    yv = torch.randint(0, 3, (val_n,), device=dev)
    model = mlp(f, hidden).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    t_start = time.time()
    t0 = time.perf_counter()
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(n, device=dev)
        xs, ys = x[perm], y[perm]
        for i in range(0, n, batch):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xs[i : i + batch]), ys[i : i + batch])
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        model.eval()
        with torch.no_grad():
            loss_fn(model(xv), yv).item()
    dt = time.perf_counter() - t0
    framework = "pytorch" if clip else "pytorch-noclip"
    return {
        "bench": "train_throughput",
        "framework": framework,
        "version": torch.__version__,
        "device": DEVICE,
        "threads": threads,
        "hidden": "x".join(str(u) for u in hidden),
        "batch": batch,
        "samples_per_s": round(n * EPOCHS / dt),
        "t_start": round(t_start * 1000),
        "t_end": round(time.time() * 1000),
    }


if __name__ == "__main__":
    # "pytorch" runs the same loop as trainyard (gradient clipping on); "pytorch-noclip" is the
    # plain loop most PyTorch benchmarks quote. One thread and all cores.
    # On the GPU the thread count does not matter; a warm-up run first (CUDA context, kernels).
    thread_counts = [os.cpu_count() or 1] if DEVICE != "cpu" else sorted({1, os.cpu_count() or 1})
    if DEVICE != "cpu":
        run(thread_counts[0], BATCHES[0], False, HIDDEN[0])
    for hidden in HIDDEN:
        for threads in thread_counts:
            for batch in BATCHES:
                for clip in (True, False):
                    print(json.dumps(run(threads, batch, clip, hidden)), flush=True)
