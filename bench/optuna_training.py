"""Optuna's side of bench/tuning-training.ts (needs `apt-get install python3-optuna`, Optuna 3.1).

Optuna's TPESampler drives trainyard's own training trial: every objective call sends the trial's
parameters to bench/_trial-server.ts (a node process running trainyard's runTrial) over a pipe
and returns the best validation loss it answers. Reads one JSON config on stdin:
  {"space": [{"name", "distribution"}], "seeds": [...], "trials": N, "training_seed": s,
   "server": {"cmd": [...], "cwd": ..., "env": {...}}, "check": {params}}
and prints one JSON object per line:
  {"kind": "version", "optuna": ...}
  {"kind": "check", "value": ...}   the check parameters evaluated afresh (determinism across processes)
  {"kind": "study", "sampler": "tpe", "seed": ..., "values": [...], "seconds": ..., "objective_seconds": ..., "cached": ...}
Categorical choices that are lists (hidden layers) are offered to Optuna as their JSON text, in the
same order, so both sides index the same choices.
"""

import json
import math
import os
import subprocess
import sys
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.ERROR)


def emit(obj):
    print(json.dumps(obj), flush=True)


class TrialServer:
    def __init__(self, server):
        env = dict(os.environ)
        env.update(server.get("env", {}))
        self.proc = subprocess.Popen(
            server["cmd"], cwd=server.get("cwd"), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        ready = json.loads(self.proc.stdout.readline())
        assert ready.get("ready"), ready

    def evaluate(self, params, seed, no_cache=False):
        self.proc.stdin.write(json.dumps({"params": params, "seed": seed, "no_cache": no_cache}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the trial server exited")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def suggest(trial, p):
    d = p["distribution"]
    name = p["name"]
    if d["kind"] == "categorical":
        texts = [json.dumps(c) for c in d["choices"]]
        return json.loads(trial.suggest_categorical(name, texts))
    if d["kind"] == "int":
        return trial.suggest_int(name, d["low"], d["high"], step=d.get("step") or 1, log=d["log"])
    return trial.suggest_float(name, d["low"], d["high"], step=d.get("step"), log=d["log"])


def main():
    cfg = json.load(sys.stdin)
    emit({"kind": "version", "optuna": optuna.__version__})
    server = TrialServer(cfg["server"])
    seed_t = cfg["training_seed"]
    if cfg.get("check"):
        emit({"kind": "check", "value": server.evaluate(cfg["check"], seed_t, no_cache=True)["value"]})
    for seed in cfg["seeds"]:
        spent = {"seconds": 0.0, "cached": 0}

        def objective(trial):
            params = {p["name"]: suggest(trial, p) for p in cfg["space"]}
            r = server.evaluate(params, seed_t)
            spent["seconds"] += r["seconds"]
            spent["cached"] += 1 if r["cached"] else 0
            # A diverged trial (null) fails, as trainyard's service fails it.
            return float("nan") if r["value"] is None else r["value"]

        t0 = time.perf_counter()
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=cfg["trials"])
        values = [None if t.value is None or math.isnan(t.value) else t.value for t in study.trials]
        emit(
            {
                "kind": "study",
                "sampler": "tpe",
                "seed": seed,
                "values": values,
                "params": [t.params for t in study.trials],
                "seconds": time.perf_counter() - t0,
                "objective_seconds": spent["seconds"],
                "cached": spent["cached"],
            }
        )
        print(f"optuna tpe seed {seed}: {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    server.close()


if __name__ == "__main__":
    main()
