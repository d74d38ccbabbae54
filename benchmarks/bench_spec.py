"""Reading a spec of many equations, beside Python's own parser reading the same text, in one run.

    python benchmarks/bench_spec.py [--repeat 3]

For 625 to 9,999 equations (10,000 is the most a spec may hold), each reusing the two before it
(the shape that once made renaming quadratic), times ``lstmviz.parse_spec`` (TOML, parsing,
building, validating) and ``ast.parse`` of the equations alone (a floor no reader of Python
syntax can beat). Linear-time building shows as a ratio that stays flat as the spec grows, and
as a doubling of time when the equations double.
Target (issue "Safe with specs ... from strangers"): linear time; 5,000 equations took 86 s before.
"""

from __future__ import annotations

import argparse
import ast

from timing import best_of

import lstmviz


def spec(n: int) -> tuple[str, str]:
    lines = ["v0 = tanh(linear(h_prev, x))"]
    lines += [f"v{k} = v{k - 1} * h_prev" if k % 2 else f"v{k} = v{k - 1} + v{k - 2}" for k in range(1, n)]
    lines[-1] = f"h = tanh(v{n - 2})"  # n equations in all
    equations = "\n".join(lines)
    text = f'[cell]\nname = "big"\nequations = """\n{equations}\n"""\n[states]\nh = "hidden"\n'
    return text, equations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("| equations | lstmviz.parse_spec | ast.parse | ratio | lstmviz, x previous size |")
    print("|---|---|---|---|---|")
    previous = None
    for n in (625, 1250, 2500, 5000, 9_999):
        text, equations = spec(n)
        ours = best_of(lambda: lstmviz.parse_spec(text), args.repeat)
        floor = best_of(lambda: ast.parse(equations), args.repeat)
        growth = f"{ours / previous:.2f}" if previous else "-"
        print(f"| {n:,} | {ours * 1e3:.1f} ms | {floor * 1e3:.1f} ms | {ours / floor:.1f} | {growth} |")
        previous = ours


if __name__ == "__main__":
    main()
