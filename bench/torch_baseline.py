"""PyTorch reference for the train-throughput benchmark: the same canonical MLP, data shape and
loop (Adam, dropout, clipped gradients, per-epoch validation pass). Prints one JSON line per run.
Arguments: epochs (default 5), batch sizes (default "32,64,256")."""
import json
import os
import sys
import time

import torch
from torch import nn

EPOCHS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
BATCHES = [int(b) for b in (sys.argv[2] if len(sys.argv) > 2 else "32,64,256").split(",")]


def run(threads: int, batch: int, clip: bool) -> dict:
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    n, val_n, f = 16_000, 4_000, 40
    x = torch.randn(n, f)
    y = torch.randint(0, 3, (n,))
    xv = torch.randn(val_n, f)
    yv = torch.randint(0, 3, (val_n,))
    model = nn.Sequential(nn.Linear(f, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 3))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for _ in range(EPOCHS):
        model.train()
        perm = torch.randperm(n)
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
    return {"bench": "train_throughput", "framework": framework, "version": torch.__version__, "threads": threads, "batch": batch, "samples_per_s": round(n * EPOCHS / dt)}


if __name__ == "__main__":
    # "pytorch" runs the same loop as trainyard (gradient clipping on); "pytorch-noclip" is the
    # plain loop most PyTorch benchmarks quote. One thread and all cores.
    for threads in sorted({1, os.cpu_count() or 1}):
        for batch in BATCHES:
            for clip in (True, False):
                print(json.dumps(run(threads, batch, clip)), flush=True)
