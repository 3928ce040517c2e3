"""Optuna's side of bench/tuning-samplers.ts (needs `apt-get install python3-optuna`, Optuna 3.1).

Reads one JSON config on stdin and prints one JSON object per line:
  {"kind": "sampler", "sampler": "tpe"|"random", "function": ..., "seed": ..., "values": [...]}
      the objective value of every trial, in order (the TS side takes best-after-N);
  {"kind": "proposals", "function": ..., "proposals": [{param: value}, ...]}
      TPE's next proposal after a given history, one per seed;
  {"kind": "pruner", "name": ..., "decisions": [[trial, step, pruned], ...], "brackets": [...]}
      every should_prune answer when the given learning curves are reported one epoch at a time.
The test functions repeat bench/_tuning-functions.ts.
"""

import json
import math
import sys

import optuna
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.ERROR)


def branin(t):
    x1 = t.suggest_float("x1", -5, 10)
    x2 = t.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi**2)
    return (x2 - b * x1 * x1 + (5 / math.pi) * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x1) + 10


A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]
ALPHA = [1, 1.2, 3, 3.2]


def hartmann6(t):
    x = [t.suggest_float(f"x{i}", 0, 1) for i in range(6)]
    total = 0.0
    for i in range(4):
        inner = sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))
        total -= ALPHA[i] * math.exp(-inner)
    return total


def logscale(t):
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    wd = t.suggest_float("wd", 1e-6, 0.1, log=True)
    batch = t.suggest_int("batch", 8, 1024, log=True)
    return (math.log10(lr) + 2.7) ** 2 + 0.5 * (math.log10(wd) + 4.3) ** 2 + 0.1 * (math.log2(batch) - 6) ** 2


OPT_OFFSET = {"adam": 0.0, "sgd": 0.3, "rmsprop": 0.15}


def mixed(t):
    opt = t.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    momentum = 2 * (t.suggest_float("momentum", 0, 0.99) - 0.9) ** 2 if opt == "sgd" else 0.0
    layers = t.suggest_int("layers", 1, 8)
    dropout = t.suggest_float("dropout", 0, 0.5, step=0.05)
    x = t.suggest_float("x", -2, 2)
    return OPT_OFFSET[opt] + momentum + 0.05 * (layers - 3) ** 2 + 4 * (dropout - 0.15) ** 2 + (x - 0.7) ** 2


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "logscale": logscale, "mixed": mixed}

F = optuna.distributions.FloatDistribution
I = optuna.distributions.IntDistribution
C = optuna.distributions.CategoricalDistribution
SPACES = {
    "branin": {"x1": F(-5, 10), "x2": F(0, 15)},
    "hartmann6": {f"x{i}": F(0, 1) for i in range(6)},
    "logscale": {"lr": F(1e-5, 1, log=True), "wd": F(1e-6, 0.1, log=True), "batch": I(8, 1024, log=True)},
    "mixed": {
        "optimizer": C(["adam", "sgd", "rmsprop"]),
        "momentum": F(0, 0.99),
        "layers": I(1, 8),
        "dropout": F(0, 0.5, step=0.05),
        "x": F(-2, 2),
    },
}


def emit(obj):
    print(json.dumps(obj), flush=True)


def run_samplers(cfg):
    for name in cfg["functions"]:
        for sampler_name in cfg["samplers"]:
            for seed in cfg["seeds"]:
                sampler = (
                    optuna.samplers.TPESampler(seed=seed)
                    if sampler_name == "tpe"
                    else optuna.samplers.RandomSampler(seed=seed)
                )
                study = optuna.create_study(sampler=sampler)
                study.optimize(FUNCTIONS[name], n_trials=cfg["trials"])
                values = [t.value for t in study.trials]
                emit({"kind": "sampler", "sampler": sampler_name, "function": name, "seed": seed, "values": values})


def run_proposals(cfg):
    """The next trial's parameters from a fixed history, once per seed: the proposal distribution."""
    for name, history in cfg["histories"].items():
        space = SPACES[name]
        frozen = []
        for h in history:
            pruned = h["state"] == "pruned"
            frozen.append(
                optuna.trial.create_trial(
                    state=TrialState.PRUNED if pruned else TrialState.COMPLETE,
                    value=None if pruned else h["value"],
                    params=h["params"],
                    distributions={k: space[k] for k in h["params"]},
                    intermediate_values={iv["step"]: iv["value"] for iv in h["intermediate"]},
                )
            )
        proposals = []
        for seed in cfg["seeds"]:
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
            study.add_trials(frozen)
            trial = study.ask()
            assert trial.number == len(frozen)
            FUNCTIONS[name](trial)
            proposals.append(trial.params)
        emit({"kind": "proposals", "function": name, "proposals": proposals})


def make_pruner(spec):
    if spec["kind"] == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=spec["min_resource"],
            reduction_factor=spec["reduction_factor"],
            min_early_stopping_rate=spec.get("min_early_stopping_rate", 0),
        )
    return optuna.pruners.HyperbandPruner(
        min_resource=spec["min_resource"],
        max_resource=spec["max_resource"],
        reduction_factor=spec["reduction_factor"],
    )


def run_pruner(spec, curves):
    pruner = make_pruner(spec)
    study = optuna.create_study(study_name=spec.get("study_key", "bench"), pruner=pruner)
    decisions = []
    brackets = []
    for i, curve in enumerate(curves):
        trial = study.ask()
        assert trial.number == i
        pruned = False
        for step, value in enumerate(curve, start=1):
            trial.report(float("nan") if value is None else value, step)
            pruned = trial.should_prune()
            decisions.append([i, step, pruned])
            if pruned:
                break
        if spec["kind"] == "hyperband":
            frozen = study._storage.get_trial(trial._trial_id)
            brackets.append(pruner._get_bracket_id(study, frozen))
        if pruned:
            study.tell(trial, state=TrialState.PRUNED)
        else:
            last = curve[-1]
            study.tell(trial, last if last is not None else float("nan"))
    emit({"kind": "pruner", "name": spec["name"], "decisions": decisions, "brackets": brackets})


def main():
    cfg = json.load(sys.stdin)
    emit({"kind": "version", "optuna": optuna.__version__})
    if cfg.get("samplers"):
        run_samplers(cfg)
    if cfg.get("proposals"):
        run_proposals(cfg["proposals"])
    for spec in cfg.get("pruners", []):
        run_pruner(spec, cfg["curves"])


if __name__ == "__main__":
    main()
