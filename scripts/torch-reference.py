#!/usr/bin/env python3
"""Reference trajectories from PyTorch for descent's optimizer, schedule and clipping tests.

Runs every case of CASES below with torch.optim in float64 and writes, under
Tests/DescentCoreTests/Fixtures/torch/:

  cases.json        the cases, in descent's own terms (optimizer and lr exactly as a config
                    writes them), with the landscapes' parameters
  <group>.csv       one file per group of cases: case,step,x,y,lr,momentum
                    row k holds x_k (row 0 = the start) and the lr (and, for OneCycle, the
                    momentum or beta1) torch uses for the step taken from x_k; numbers are
                    Python's repr, the shortest text that reads back as the same double
  ndim.csv          the same for a 12-D quadratic: case,step,point,lr,momentum, with the
                    point's coordinates separated by spaces
  clip-vectors.csv  clip_grad_norm_ / clip_grad_value_ applied to gradients of 1 to 13
                    coordinates (kind,limit,gradient,clipped; lists space-separated)

The Swift tests (Tests/DescentCoreTests/TorchFixtureTests.swift) run the same cases through
descent's engine and compare step by step. CI does not need torch; regenerate after changing
a case (or to check a new torch version) with any CPU build of torch, e.g. in a virtual
environment (pip also takes a local wheel file instead of `torch`):

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch numpy
    /tmp/torchenv/bin/python scripts/torch-reference.py
    swift test --filter TorchFixture

cases.json records the torch version and CPU capability that wrote the files. New cases go
after the existing ones (the ADDED_... lists), so the earlier lines keep their bytes.

What makes bit-for-bit agreement possible:
- torch.set_default_dtype(torch.float64): parameters, gradients and optimizer state are
  doubles, and so are the scalar state tensors (step, NAdam's mu_product), which otherwise
  default to float32.
- The gradient is not computed by autograd but in Python floats, with the same formula and
  operation order as the Swift test landscapes, and handed to torch as p.grad; only the
  optimizer, the schedule and the clipping are compared.
- On CPU torch.optim runs its single-tensor ("for-loop") code path. Its kernels fuse multiply-adds
  on AVX2/AVX-512/arm64 builds; descent mirrors that (Sources/DescentCore/Optimizers/
  TorchArithmetic.swift). The script prints torch's CPU capability: with
  ATEN_CPU_CAPABILITY=default torch rounds twice instead, and the fixtures would no longer match
  descent to the last bit (they still agree to about 1e-15).
- Lion is not part of torch; the Lion class below performs the tensor operations of the
  authors' PyTorch reference (google/automl lion/lion_pytorch.py; arXiv:2302.06675, Alg. 2).
- The cosine schedule is nanoGPT's get_lr (train.py), written into the optimizer's param
  group before every step as nanoGPT does.
"""

import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)

STEPS = 100
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "DescentCoreTests", "Fixtures", "torch")

# ---------------------------------------------------------------------------------------------
# Landscapes. Their gradients mirror the Swift test landscapes operation by operation.


def rotated_hessian(eigenvalues, degrees):
    """H = R diag(l1, l2) R^T, computed as descent's Quadratic(eigenvalues:rotationDegrees:)."""
    l1, l2 = eigenvalues
    theta = degrees * math.pi / 180
    c, s = math.cos(theta), math.sin(theta)
    return [l1 * c * c + l2 * s * s, (l1 - l2) * c * s, l1 * s * s + l2 * c * c]


QUADRATIC = {"kind": "quadratic", "hessian": rotated_hessian([1.0, 20.0], 30.0), "center": [1.0, -0.5]}
ROSENBROCK = {"kind": "rosenbrock", "a": 1.0, "b": 100.0}
# A 12-D diagonal quadratic: vectors longer than one AVX2 block of torch's kernels (the fused
# vectorized body plus the scalar tail), and a norm summed in blocks of four. No coordinate of the
# center is 0: near a coordinate that converges to 0 a relative error means nothing.
DIAGONAL = {"kind": "diagonal", "eigenvalues": [10 ** (k / 4) for k in range(12)],
            "center": [0.1 * k - 0.55 for k in range(12)]}
LANDSCAPES = {"quadratic": QUADRATIC, "rosenbrock": ROSENBROCK, "diagonal": DIAGONAL}
STARTS = {"quadratic": [-3.0, 2.0], "rosenbrock": [-1.2, 1.0], "diagonal": [(-1.0) ** k * (1 + 0.25 * k) for k in range(12)]}


def gradient(landscape, point):
    if landscape["kind"] == "diagonal":
        return [l * (x - c) for l, x, c in zip(landscape["eigenvalues"], point, landscape["center"])]
    x, y = point
    if landscape["kind"] == "quadratic":
        h00, h01, h11 = landscape["hessian"]
        dx, dy = x - landscape["center"][0], y - landscape["center"][1]
        return [h00 * dx + h01 * dy, h01 * dx + h11 * dy]
    a, b = landscape["a"], landscape["b"]
    r = y - x * x
    return [-2 * (a - x) - 4 * b * x * r, 2 * b * r]


# ---------------------------------------------------------------------------------------------
# Lion (not in torch).


class Lion(torch.optim.Optimizer):
    """Lion with the tensor operations of the authors' PyTorch reference implementation."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                p.mul_(1 - group["lr"] * group["weight_decay"])
                state = self.state[p]
                if "exp_avg" not in state:
                    state["exp_avg"] = torch.zeros_like(p)
                momentum = state["exp_avg"]
                interpolation = momentum * beta1 + p.grad * (1 - beta1)
                p.add_(interpolation.sign_(), alpha=-group["lr"])
                momentum.mul_(beta2).add_(p.grad, alpha=1 - beta2)


OPTIMIZERS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
    "radam": torch.optim.RAdam,
    "lion": Lion,
}


def nanogpt_get_lr(it, learning_rate, min_lr, warmup_iters, lr_decay_iters):
    """nanoGPT train.py get_lr, verbatim but for its globals turned into parameters."""
    # 1) linear warmup for warmup_iters steps
    if it < warmup_iters:
        return learning_rate * (it + 1) / (warmup_iters + 1)
    # 2) if it > lr_decay_iters, return min learning rate
    if it > lr_decay_iters:
        return min_lr
    # 3) in between, use cosine decay down to min learning rate
    decay_ratio = (it - warmup_iters) / (lr_decay_iters - warmup_iters)
    assert 0 <= decay_ratio <= 1
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))  # coeff ranges 0..1
    return min_lr + coeff * (learning_rate - min_lr)


# ---------------------------------------------------------------------------------------------
# The cases: (group, name, landscape, optimizer as descent writes it, lr as descent writes it, clip).
# Every optimizer has at least three option sets, each run on both landscapes.

OPTION_SETS = {
    # name: [(options, quadratic lr, rosenbrock lr), ...]
    "sgd": [
        ({}, 0.05, 1e-3),
        ({"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}, 0.02, 2e-4),
        ({"momentum": 0.8, "nesterov": True, "weight_decay": 0.05}, 0.03, 3e-4),
    ],
    "adam": [
        ({}, 0.1, 0.01),
        ({"amsgrad": True, "weight_decay": 0.01}, 0.05, 0.02),
        ({"betas": [0.8, 0.99], "eps": 1e-6, "weight_decay": 0.1, "decoupled_weight_decay": True}, 0.1, 0.01),
    ],
    "adamw": [
        ({}, 0.1, 0.01),
        ({"amsgrad": True, "betas": [0.9, 0.95], "weight_decay": 0.1}, 0.05, 0.02),
        ({"eps": 1e-4, "weight_decay": 0.0}, 0.1, 0.01),
    ],
    "adagrad": [
        ({}, 0.5, 0.1),
        ({"lr_decay": 0.01, "initial_accumulator_value": 0.1}, 0.5, 0.1),
        ({"weight_decay": 0.05, "eps": 1e-6}, 0.3, 0.05),
    ],
    "rmsprop": [
        ({}, 0.01, 1e-3),
        ({"centered": True, "alpha": 0.9}, 0.01, 1e-3),
        ({"momentum": 0.9, "weight_decay": 0.01}, 0.005, 5e-4),
        ({"centered": True, "momentum": 0.5}, 0.01, 1e-3),
    ],
    "adadelta": [
        ({}, 1.0, 1.0),
        ({"rho": 0.95, "eps": 1e-5}, 0.5, 0.5),
        ({"weight_decay": 0.1}, 1.0, 1.0),
    ],
    "adamax": [
        ({}, 0.1, 0.01),
        ({"betas": [0.8, 0.9]}, 0.1, 0.01),
        ({"weight_decay": 0.05, "eps": 1e-6}, 0.05, 0.02),
    ],
    "nadam": [
        ({}, 0.05, 0.01),
        ({"momentum_decay": 0.01, "betas": [0.85, 0.995]}, 0.05, 0.01),
        ({"weight_decay": 0.1, "decoupled_weight_decay": True}, 0.05, 0.01),
        ({"weight_decay": 0.1}, 0.05, 0.01),
    ],
    "radam": [
        ({}, 0.1, 0.01),
        ({"weight_decay": 0.1}, 0.1, 0.01),
        ({"weight_decay": 0.1, "decoupled_weight_decay": True, "betas": [0.9, 0.99]}, 0.1, 0.01),
    ],
    "lion": [
        ({}, 0.01, 1e-3),
        ({"betas": [0.95, 0.98], "weight_decay": 0.1}, 0.01, 1e-3),
        ({"weight_decay": 1.0}, 0.005, 5e-4),
    ],
}

# maximize, on the quadratic only (ascent on Rosenbrock leaves the doubles within a few steps).
MAXIMIZE = {
    "sgd": ({"maximize": True}, 0.01),
    "adam": ({"maximize": True}, 0.01),
    "adamw": ({"maximize": True}, 0.01),
    "adagrad": ({"maximize": True}, 0.1),
    "rmsprop": ({"maximize": True, "momentum": 0.5}, 0.01),
    "adadelta": ({"maximize": True}, 1.0),
    "adamax": ({"maximize": True}, 0.01),
    "nadam": ({"maximize": True}, 0.01),
    "radam": ({"maximize": True}, 0.01),
}


# Cases added after an audit of the coverage above (issue: every optimizer with ≥ 3 option sets,
# every schedule, both clippings). They come after every earlier case, in cases.json and in each
# group's file, so the earlier cases keep their bytes. `maximize` with weight decay (the gradient
# is negated first, then decayed), `amsgrad` with `maximize`, and a non-default `eps` for RMSprop,
# NAdam and RAdam (the options name them: a number as the option-set index adds a set).
ADDED_OPTION_SETS = {
    "rmsprop": [({"eps": 1e-3, "alpha": 0.95, "weight_decay": 0.05}, 0.01, 1e-3)],
    "nadam": [({"eps": 1e-3, "betas": [0.9, 0.99]}, 0.05, 0.01)],
    "radam": [({"eps": 1e-3, "betas": [0.8, 0.99]}, 0.1, 0.01)],
}

ADDED_MAXIMIZE = {
    # name: [(case suffix, options, lr), ...] on the quadratic
    "sgd": [("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1, "momentum": 0.5}, 0.01)],
    "adam": [
        ("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 0.01),
        ("maximize-amsgrad", {"maximize": True, "amsgrad": True, "weight_decay": 0.05}, 0.01),
    ],
    "adamw": [("maximize-amsgrad", {"maximize": True, "amsgrad": True, "weight_decay": 0.1}, 0.01)],
    "adagrad": [("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 0.1)],
    "rmsprop": [("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1, "centered": True}, 0.01)],
    "adadelta": [("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 1.0)],
    "adamax": [("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 0.01)],
    "nadam": [
        ("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 0.01),
        ("maximize-decoupled-weight-decay", {"maximize": True, "weight_decay": 0.1, "decoupled_weight_decay": True},
         0.01),
    ],
    "radam": [
        ("maximize-weight-decay", {"maximize": True, "weight_decay": 0.1}, 0.01),
        ("maximize-decoupled-weight-decay", {"maximize": True, "weight_decay": 0.1, "decoupled_weight_decay": True},
         0.01),
    ],
}


def added_optimizer_cases():
    cases = []
    for name, sets in ADDED_OPTION_SETS.items():
        for index, (options, quadratic_lr, rosenbrock_lr) in enumerate(sets, start=len(OPTION_SETS[name])):
            for landscape, lr in (("quadratic", quadratic_lr), ("rosenbrock", rosenbrock_lr)):
                cases.append((name, f"{name}-{index + 1}-{landscape}", landscape, {"name": name, **options}, lr, None))
    for name, entries in ADDED_MAXIMIZE.items():
        for suffix, options, lr in entries:
            cases.append((name, f"{name}-{suffix}-quadratic", "quadratic", {"name": name, **options}, lr, None))
    return cases


def optimizer_cases():
    cases = []
    for name, sets in OPTION_SETS.items():
        for index, (options, quadratic_lr, rosenbrock_lr) in enumerate(sets):
            for landscape, lr in (("quadratic", quadratic_lr), ("rosenbrock", rosenbrock_lr)):
                cases.append((name, f"{name}-{index + 1}-{landscape}", landscape, {"name": name, **options}, lr, None))
        if name in MAXIMIZE:
            options, lr = MAXIMIZE[name]
            cases.append((name, f"{name}-maximize-quadratic", "quadratic", {"name": name, **options}, lr, None))
    return cases


SCHEDULE_CASES = [
    ("constant", "quadratic", {"name": "sgd", "momentum": 0.9}, {"schedule": "constant", "lr": 0.02}),
    ("step", "quadratic", {"name": "sgd", "momentum": 0.9}, {"schedule": "step", "lr": 0.05, "step_size": 30, "gamma": 0.5}),
    ("step-default-gamma", "rosenbrock", {"name": "adam"}, {"schedule": "step", "lr": 0.05, "step_size": 40}),
    ("exponential", "quadratic", {"name": "adam"}, {"schedule": "exponential", "lr": 0.1, "gamma": 0.97}),
    ("cosine", "quadratic", {"name": "adam"},
     {"schedule": "cosine", "lr": 0.1, "min_lr": 0.001, "warmup_steps": 10, "decay_steps": 80}),
    ("cosine-default-decay", "quadratic", {"name": "sgd"}, {"schedule": "cosine", "lr": 0.05, "warmup_steps": 5}),
    ("cosine-nanogpt", "rosenbrock", {"name": "adamw", "betas": [0.9, 0.95], "weight_decay": 0.1},
     {"schedule": "cosine", "lr": 6e-3, "min_lr": 6e-4, "warmup_steps": 20, "decay_steps": 90}),
    ("linear", "quadratic", {"name": "sgd", "momentum": 0.9},
     {"schedule": "linear", "lr": 0.02, "start_factor": 0.25, "end_factor": 1.0, "total_iters": 20}),
    ("linear-default", "quadratic", {"name": "rmsprop"}, {"schedule": "linear", "lr": 0.01}),
    ("linear-down", "rosenbrock", {"name": "nadam"},
     {"schedule": "linear", "lr": 0.02, "start_factor": 1.0, "end_factor": 0.1, "total_iters": 60}),
    ("onecycle-sgd", "quadratic", {"name": "sgd"}, {"schedule": "onecycle", "max_lr": 0.05}),
    ("onecycle-sgd-nesterov", "rosenbrock", {"name": "sgd", "momentum": 0.9, "nesterov": True},
     {"schedule": "onecycle", "max_lr": 5e-4, "pct_start": 0.25}),
    ("onecycle-adam-linear", "quadratic", {"name": "adam"},
     {"schedule": "onecycle", "max_lr": 0.1, "anneal": "linear", "pct_start": 0.25, "div_factor": 10,
      "final_div_factor": 100}),
    ("onecycle-rmsprop-three-phase", "quadratic", {"name": "rmsprop"},
     {"schedule": "onecycle", "max_lr": 0.01, "three_phase": True, "base_momentum": 0.8, "max_momentum": 0.9}),
    ("onecycle-adagrad-no-momentum", "quadratic", {"name": "adagrad"},
     {"schedule": "onecycle", "max_lr": 0.5, "cycle_momentum": False}),
    ("onecycle-lion-longer-cycle", "rosenbrock", {"name": "lion"},
     {"schedule": "onecycle", "max_lr": 2e-3, "total_steps": 150}),
]

# OneCycle on the optimizers the cases above left out (added after the audit; NAdam had it in
# 12-D only): β₁ cycles in AdamW (whose decoupled decay also follows the lr), Adamax, NAdam and
# RAdam, and the momentum of a centered RMSprop.
ADDED_SCHEDULE_CASES = [
    ("onecycle-adamw", "rosenbrock", {"name": "adamw", "weight_decay": 0.1}, {"schedule": "onecycle", "max_lr": 0.02}),
    ("onecycle-adamax", "quadratic", {"name": "adamax"},
     {"schedule": "onecycle", "max_lr": 0.1, "anneal": "linear", "base_momentum": 0.8, "max_momentum": 0.9}),
    ("onecycle-nadam", "quadratic", {"name": "nadam", "weight_decay": 0.05}, {"schedule": "onecycle", "max_lr": 0.05}),
    ("onecycle-radam-three-phase", "rosenbrock", {"name": "radam"},
     {"schedule": "onecycle", "max_lr": 0.02, "three_phase": True}),
    ("onecycle-rmsprop-centered", "quadratic", {"name": "rmsprop", "centered": True},
     {"schedule": "onecycle", "max_lr": 0.01, "pct_start": 0.4}),
    ("onecycle-rmsprop-centered-rosenbrock", "rosenbrock", {"name": "rmsprop", "centered": True, "momentum": 0.5},
     {"schedule": "onecycle", "max_lr": 1e-3, "max_momentum": 0.9, "base_momentum": 0.5}),
]

# On the 12-D quadratic (file ndim.csv; points are space-separated lists).
NDIM_CASES = [
    ("ndim-sgd-nesterov", {"name": "sgd", "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, 1e-3, None),
    ("ndim-adam-amsgrad", {"name": "adam", "amsgrad": True}, 0.05, None),
    ("ndim-adamw-clip", {"name": "adamw"}, 0.05, {"max_norm": 10.0}),
    ("ndim-rmsprop-centered", {"name": "rmsprop", "centered": True, "momentum": 0.5}, 1e-3, None),
    ("ndim-nadam-onecycle", {"name": "nadam"}, {"schedule": "onecycle", "max_lr": 0.05}, None),
    ("ndim-lion-value-clip", {"name": "lion", "weight_decay": 0.1}, 0.01, {"value": 1.0}),
]

CLIP_CASES = [
    ("max-norm-sgd", "rosenbrock", {"name": "sgd"}, 0.01, {"max_norm": 1.0}),
    ("max-norm-adam", "quadratic", {"name": "adam", "weight_decay": 0.1}, 0.1, {"max_norm": 5.0}),
    ("max-norm-momentum", "rosenbrock", {"name": "sgd", "momentum": 0.9}, 1e-3, {"max_norm": 50.0}),
    ("value-sgd-momentum", "rosenbrock", {"name": "sgd", "momentum": 0.9}, 1e-3, {"value": 2.0}),
    ("value-adamw", "quadratic", {"name": "adamw", "weight_decay": 0.5}, 0.05, {"value": 0.5}),
]


# ---------------------------------------------------------------------------------------------
# Running a case.

SCHEDULE_OPTIONS = {"anneal": "anneal_strategy"}


def make_optimizer(parameter, optimizer, lr):
    options = {key: (tuple(value) if key == "betas" else value) for key, value in optimizer.items() if key != "name"}
    return OPTIMIZERS[optimizer["name"]]([parameter], lr=lr, **options)


def run(landscape_name, optimizer, lr, clip, steps=STEPS):
    landscape = LANDSCAPES[landscape_name]
    parameter = torch.nn.Parameter(torch.tensor(STARTS[landscape_name]))
    schedule = lr if isinstance(lr, dict) else {"schedule": "constant", "lr": lr}
    kind = schedule["schedule"]
    base = schedule.get("lr", schedule.get("max_lr"))
    opt = make_optimizer(parameter, optimizer, base)
    group = opt.param_groups[0]
    scheduler = None
    if kind == "step":
        scheduler = torch.optim.lr_scheduler.StepLR(opt, step_size=schedule["step_size"], gamma=schedule.get("gamma", 0.1))
    elif kind == "exponential":
        scheduler = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=schedule["gamma"])
    elif kind == "linear":
        options = {k: schedule[k] for k in ("start_factor", "end_factor", "total_iters") if k in schedule}
        scheduler = torch.optim.lr_scheduler.LinearLR(opt, **options)
    elif kind == "onecycle":
        options = {SCHEDULE_OPTIONS.get(k, k): v for k, v in schedule.items() if k not in ("schedule", "max_lr")}
        options.setdefault("total_steps", steps)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=schedule["max_lr"], **options)
    cycles = kind == "onecycle" and schedule.get("cycle_momentum", True)

    def cosine_lr(k):
        return nanogpt_get_lr(k, schedule["lr"], schedule.get("min_lr", 0.0), schedule.get("warmup_steps", 0),
                              schedule.get("decay_steps", steps))

    rows = []
    for k in range(steps + 1):
        if kind == "cosine":
            group["lr"] = cosine_lr(k)
        momentum = ""
        if cycles:
            momentum = group["betas"][0] if "betas" in group else group["momentum"]
        point = parameter.tolist()
        rows.append((k, point, group["lr"], momentum))
        if k == steps:
            break
        parameter.grad = torch.tensor(gradient(landscape, point))
        if clip is not None and "max_norm" in clip:
            torch.nn.utils.clip_grad_norm_([parameter], clip["max_norm"])
        elif clip is not None:
            torch.nn.utils.clip_grad_value_([parameter], clip["value"])
        opt.step()
        if scheduler is not None:
            scheduler.step()
    for _, point, _, _ in rows:
        if not all(map(math.isfinite, point)):
            raise SystemExit(f"a case left the finite doubles: {landscape_name} {optimizer} {lr} {clip}")
    return rows


def clipping_vectors():
    """clip_grad_norm_ and clip_grad_value_ on single gradients of 1 to 13 coordinates: the norm's
    summation order changes with the length (blocks of four, then one by one)."""
    import random

    generator = random.Random(5)
    lines = ["kind,limit,gradient,clipped"]
    for size in range(1, 14):
        for limit in (0.5, 3.0, 1e3):
            values = [generator.uniform(-2, 2) * 10 ** generator.uniform(-1, 1) for _ in range(size)]
            for kind in ("max_norm", "value"):
                parameter = torch.nn.Parameter(torch.zeros(size))
                parameter.grad = torch.tensor(values)
                if kind == "max_norm":
                    torch.nn.utils.clip_grad_norm_([parameter], limit)
                else:
                    torch.nn.utils.clip_grad_value_([parameter], limit)
                clipped = parameter.grad.tolist()
                lines.append(f"{kind},{limit!r},{' '.join(map(repr, values))},{' '.join(map(repr, clipped))}")
    return lines


def main():
    print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}", file=sys.stderr)
    cases = [(group, name, landscape, optimizer, lr, clip) for group, name, landscape, optimizer, lr, clip in
             optimizer_cases()]
    cases += [("schedules", name, landscape, optimizer, lr, None) for name, landscape, optimizer, lr in SCHEDULE_CASES]
    cases += [("clipping", name, landscape, optimizer, lr, clip) for name, landscape, optimizer, lr, clip in CLIP_CASES]
    cases += [("ndim", name, "diagonal", optimizer, lr, clip) for name, optimizer, lr, clip in NDIM_CASES]
    cases += added_optimizer_cases()
    cases += [("schedules", name, landscape, optimizer, lr, None) for name, landscape, optimizer, lr in
              ADDED_SCHEDULE_CASES]
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "generator": "scripts/torch-reference.py",
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "steps": STEPS,
        "landscapes": LANDSCAPES,
        "cases": [],
    }
    files = {}
    for group, name, landscape, optimizer, lr, clip in cases:
        rows = run(landscape, optimizer, lr, clip)
        manifest["cases"].append({
            "name": name, "file": f"{group}.csv", "landscape": landscape, "start": STARTS[landscape],
            "optimizer": optimizer, "lr": lr, "clip": clip,
        })
        two_dimensional = len(STARTS[landscape]) == 2
        lines = files.setdefault(group, ["case,step,x,y,lr,momentum" if two_dimensional else "case,step,point,lr,momentum"])
        for k, point, rate, momentum in rows:
            coordinates = ",".join(map(repr, point)) if two_dimensional else " ".join(map(repr, point))
            lines.append(f"{name},{k},{coordinates},{rate!r},{'' if momentum == '' else repr(momentum)}")
    for group, lines in files.items():
        with open(os.path.join(OUT, f"{group}.csv"), "w") as handle:
            handle.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "clip-vectors.csv"), "w") as handle:
        handle.write("\n".join(clipping_vectors()) + "\n")
    with open(os.path.join(OUT, "cases.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)
        handle.write("\n")
    print(f"wrote {len(manifest['cases'])} cases in {len(files)} files to {os.path.relpath(OUT, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
