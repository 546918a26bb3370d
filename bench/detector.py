"""Benchmark of the safeguarding detector: the time to check one message, on one core.

    python bench/detector.py [--rounds 5] [--target-ms 0.3]

Checks every message of the shipped corpus (each in its language) ``--rounds`` times with the
shipped rules and prints the median and the 95th percentile per message; exits non-zero when
the 95th percentile misses the target (``docs/safeguarding.md``: every inbound text passes the
detector first).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, verdict  # noqa: E402
from changemakers.safeguarding import shipped_corpus, shipped_detector  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--target-ms", type=float, default=0.3)
    args = parser.parse_args()
    detector = shipped_detector()
    texts = [(example.text, example.language) for example in shipped_corpus()]
    detector.check(*texts[0])  # compiled and warmed once, as in a running process
    timings: list[float] = []
    for _ in range(args.rounds):
        for text, language in texts:
            started = time.perf_counter()
            detector.check(text, language)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = percentile(timings, 95)
    print(f"messages checked: {len(timings)} ({len(texts)} corpus messages x {args.rounds})")
    median = percentile(timings, 50)
    print(f"per message: median {median:.3f} ms, p95 {p95:.3f} ms, max {timings[-1]:.3f} ms")
    missed = []
    if p95 > args.target_ms:
        missed.append(f"p95 {p95:.3f} ms per message is over the target of {args.target_ms} ms")
    return verdict(missed)


if __name__ == "__main__":
    sys.exit(main())
