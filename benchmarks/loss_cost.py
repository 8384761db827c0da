"""What a loss costs per step: dcgan's recipe on mnist-5k with each loss, steps per second side by side.

The models are built in one process and take turns in chunks of ``--steps`` steps (ABC-CBA order)
for ``--rounds`` rounds, so the machine's changes of speed fall on all of them alike; each round's
rate is divided by the first loss's rate in the same round and the median ratio is reported. Rates
per CPU-second (``time.process_time``) are reported too: this machine sometimes holds a whole chunk
to a fixed wall-clock length whatever the model (docs/speed.md), and CPU time does not see that.

    python benchmarks/loss_cost.py                        # bce against bce-r1, ~3 minutes
    python benchmarks/loss_cost.py --losses bce,bce-r1,hinge,wgan-gp --steps 30
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import kgan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--losses", default="bce,bce-r1", help="comma-separated registered loss names; the first is the reference")
    parser.add_argument("--steps", type=int, default=64, help="steps per timed chunk (a multiple of 4 keeps lazy R1 fair)")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    names = args.losses.split(",")
    x = kgan.datasets.load("mnist-5k")
    batch = 32
    data = x[np.resize(np.arange(len(x)), args.steps * batch)]
    models = {}
    for name in names:
        gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
        gan.compile(loss=name)
        gan.fit(data[: 8 * batch], batch_size=batch, epochs=1, verbose=0)  # trace and warm up
        models[name] = (gan, data)  # one step: d_steps discriminator updates and one generator update
    rates = {name: [] for name in names}
    cpu_rates = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            gan, chunk = models[name]
            start, cpu = time.perf_counter(), time.process_time()
            gan.fit(chunk, batch_size=batch, epochs=1, shuffle=False, verbose=0)
            rates[name].append(args.steps / (time.perf_counter() - start))
            cpu_rates[name].append(args.steps / (time.process_time() - cpu))
        print(f"round {r + 1}: " + ", ".join(f"{n} {rates[n][-1]:.2f}" for n in names) + " steps/s", file=sys.stderr, flush=True)
    print(f"dcgan recipe, batch {batch}, {args.rounds} rounds of {args.steps} steps, interleaved; medians")
    print(f"{'loss':10} {'steps/s':>10} {'vs ' + names[0]:>12} {'steps/CPU-s':>12} {'vs ' + names[0]:>12}")
    for name in names:
        ratios = [a / b for a, b in zip(rates[name], rates[names[0]])]
        cpu_ratios = [a / b for a, b in zip(cpu_rates[name], cpu_rates[names[0]])]
        print(f"{name:10} {statistics.median(rates[name]):10.2f} {statistics.median(ratios):11.2f}x "
              f"{statistics.median(cpu_rates[name]):12.2f} {statistics.median(cpu_ratios):11.2f}x")


if __name__ == "__main__":
    main()
