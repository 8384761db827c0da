"""Start-up: how long ``kgan`` takes before it trains, phase by phase.

Each measurement is a fresh process (a user's command), repeated ``--repeats`` times; the median is
reported. Measured:

- ``kgan --help`` and ``kgan --version``: the whole process, wall clock;
- ``kgan train dcgan --dataset mnist-5k`` up to the end of its first training step, split into
  *Python and Keras* (the interpreter and ``import keras``, which imports the backend), *kgan import*,
  *setup* (options checked, data loaded, networks built and compiled, run directory and watchers
  prepared: up to ``on_train_begin``) and *first step* (tracing and compiling the train step, then
  running it: up to the end of batch 0). The process is measured through ``kgan.train`` (what the
  command calls), with a callback that stops the process at the end of the first step.

    python benchmarks/startup.py                      # ~1 min on 2 cores
    python benchmarks/startup.py --backend jax --repeats 5 --json results.json
    python benchmarks/startup.py --against /path/to/other/checkout/src   # two versions side by side

Each version gets its own kgan cache (``KGAN_HOME``), filled by one untimed run first, as a user's
earlier runs would have; ``--cold`` measures with an empty cache every time (on JAX that includes
compiling every program: JAX's compilation cache lives there).

``--src`` / ``--against`` put a checkout's ``src`` first on ``PYTHONPATH``; with ``--against`` the two
versions are measured alternately (fresh processes each) and the ratio this/against is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PROBE = r"""
import json, os, sys, time
t_start = float(sys.argv[1])
import keras
t_keras = time.time()
import kgan
t_import = time.time()
marks = {"python and keras": t_keras - t_start, "kgan import": t_import - t_keras, "kgan_file": kgan.__file__}

class FirstStep(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        marks["setup"] = time.time() - t_import
        self.t = time.time()

    def on_train_batch_end(self, batch, logs=None):
        marks["first step"] = time.time() - self.t
        marks["total"] = time.time() - t_start
        print("STARTUP " + json.dumps(marks), flush=True)
        os._exit(0)  # only the start-up is measured

kgan.train("dcgan", "mnist-5k", epochs=1, out=sys.argv[2], overwrite=True, verbose=0, callbacks=[FirstStep()])
"""


def timed(command: list[str], env: dict) -> float:
    start = time.time()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.time() - start


def train_phases(env: dict, workdir: str) -> dict:
    out = os.path.join(workdir, f"run-{time.time_ns()}")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(time.time()), out], env=env, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("STARTUP "):
            return json.loads(line[len("STARTUP ") :])
    raise RuntimeError(f"the probe printed no timing (exit {proc.returncode}):\n{proc.stderr[-2000:]}")


def measure_once(env: dict, module: str, workdir: str) -> dict:
    """One fresh process per measurement: ``--help``, ``--version``, then the training start-up."""
    exe = [sys.executable, "-m", module]
    return {"kgan --help": timed([*exe, "--help"], env), "kgan --version": timed([*exe, "--version"], env), **train_phases(env, workdir)}


def version_env(src: str | None, backend: str) -> tuple[dict, str]:
    """The environment and CLI module that run the kgan in ``src`` (``None``: the installed one)."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if src:
        env["PYTHONPATH"] = os.pathsep.join([os.path.abspath(src), env.get("PYTHONPATH", "")])
    # versions before 0.2 had the command in kgan.cli (importing kgan, hence Keras)
    module = "kgan_cli" if not src or os.path.isdir(os.path.join(src, "kgan_cli")) else "kgan.cli"
    return env, module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", default="tensorflow", choices=("tensorflow", "jax", "torch"))
    parser.add_argument("--src", default=None, help="measure the kgan found in this source directory instead")
    parser.add_argument("--against", default=None, help="also measure the kgan in this source directory, alternating, and print ratios")
    parser.add_argument("--cold", action="store_true", help="every process starts with an empty kgan cache (on JAX: no compiled programs kept from earlier runs)")
    parser.add_argument("--json", default=None, help="also write the results to this file")
    args = parser.parse_args()

    versions = {"this": version_env(args.src, args.backend)}
    if args.against:
        versions["against"] = version_env(args.against, args.backend)
    runs: dict = {name: [] for name in versions}
    with tempfile.TemporaryDirectory() as workdir:
        for name, (env, module) in versions.items():
            env["KGAN_HOME"] = os.path.join(workdir, f"home-{name}")  # kgan's cache (JAX: compiled programs)
            if not args.cold:
                train_phases(env, workdir)  # untimed: fills the cache, as any earlier run would have
        for repeat in range(args.repeats):  # alternating, so whatever else the machine does falls on both
            for name, (env, module) in versions.items():
                if args.cold:
                    env["KGAN_HOME"] = os.path.join(workdir, f"home-{name}-{repeat}")
                runs[name].append(measure_once(env, module, workdir))
    medians = {name: {key: statistics.median(r[key] for r in rs) for key in rs[0] if key != "kgan_file"} for name, rs in runs.items()}
    results = {"backend": args.backend, "repeats": args.repeats, "cold": args.cold, "src": args.src, "against": args.against, "median": medians, "runs": runs}

    cache = "an empty kgan cache each" if args.cold else "kgan's cache filled by an earlier run"
    print(f"backend {args.backend}, median of {args.repeats} fresh processes each, {cache} (seconds)")
    names = list(versions)
    print(f"  {'':<34}" + "".join(f"{n:>10}" for n in names) + ("   ratio" if args.against else ""))
    for key in medians["this"]:
        label = key if key in ("kgan --help", "kgan --version") else f"train until step 1: {key}"
        row = f"  {label:<34}" + "".join(f"{medians[n][key]:10.2f}" for n in names)
        if args.against:
            row += f"   {medians['this'][key] / medians['against'][key]:5.2f}x"
        print(row)
    for name in names:
        print(f"  {name}: {runs[name][0]['kgan_file']}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)


if __name__ == "__main__":
    main()
