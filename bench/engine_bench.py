"""Progression engine costs, in process (no Django, no database): previewing a 12-week program
and the single steps it is made of.

    .venv/bin/python bench/engine_bench.py [--repeats 60] [--calls 20000] [--json]

Cases run in rotation, round after round, so that drift of a shared machine hits them alike;
each figure is a percentile over every timed call of that case. The program: 12 weeks x 4 days
x 6 exercises (288 exercise-sessions) mixing every scheme, a superset a day, a planned deload
every 4th week, on a standard kg barbell, a dumbbell rack and a lb barbell.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.workouts.engine import (
    DaySpec,
    DeloadPolicy,
    DoubleProgression,
    ExercisePlan,
    ExerciseState,
    FixedScheme,
    Formula,
    LinearScheme,
    LoadTarget,
    Outcome,
    PerformedSet,
    ProgramSpec,
    RepRange,
    RPEScheme,
    SetSpec,
    SetType,
    SlotSpec,
    StackLoading,
    Unit,
    WeekSpec,
    Wendler531,
    e1rm,
    prescribe,
    preview,
    progress,
    standard_kg_barbell,
    standard_lb_barbell,
)

D = Decimal
KG = standard_kg_barbell(micro=True)
LB = standard_lb_barbell()
RACK = StackLoading(unit=Unit.KG, minimum=D(2), step=D(2), maximum=D(50))


def program(weeks: int) -> ProgramSpec:
    fixed = FixedScheme(
        sets=(
            SetSpec(SetType.WARM_UP, RepRange.exactly(8), LoadTarget.percent_1rm(D(50))),
            SetSpec(SetType.WORKING, RepRange(8, 10), LoadTarget.rpe(D(8))),
            SetSpec(SetType.WORKING, RepRange(8, 10), LoadTarget.rpe(D(8))),
            SetSpec(SetType.BACK_OFF, RepRange.exactly(12), LoadTarget.percent_1rm(D(60))),
        )
    )
    plans = (
        ExercisePlan("squat", "squat", Wendler531(tm_increment=D(5)), ExerciseState(training_max=D(140)), KG),
        ExercisePlan(
            "bench", "bench", Wendler531(tm_increment=D("2.5")), ExerciseState(training_max=D(95)), KG
        ),
        ExercisePlan(
            "deadlift", "deadlift", Wendler531(tm_increment=D(10)), ExerciseState(training_max=D(405)), LB
        ),
        ExercisePlan("press", "press", Wendler531(tm_increment=D(5)), ExerciseState(training_max=D(135)), LB),
        ExercisePlan("front", "front-squat", LinearScheme(sets=3, reps=5), ExerciseState(load=D(70)), KG),
        ExercisePlan("incline", "incline", DoubleProgression(), ExerciseState(load=D(50)), KG),
        ExercisePlan("row", "row", DoubleProgression(rep_low=6, rep_high=10), ExerciseState(load=D(60)), KG),
        ExercisePlan(
            "rdl", "rdl", LinearScheme(sets=3, reps=8, increment=D(5)), ExerciseState(load=D(80)), KG
        ),
        ExercisePlan("pullup", "pull-up", RPEScheme(sets=3, reps=6), ExerciseState(load=D(10)), KG),
        ExercisePlan("dip", "dip", RPEScheme(sets=3, reps=8), ExerciseState(e1rm=D(60)), KG),
        ExercisePlan("lunge", "lunge", fixed, ExerciseState(e1rm=D(90)), KG),
        ExercisePlan("curl", "curl", DoubleProgression(increment=D(1)), ExerciseState(load=D(12)), RACK),
        ExercisePlan(
            "lateral",
            "lateral-raise",
            DoubleProgression(rep_low=12, rep_high=20),
            ExerciseState(load=D(8)),
            RACK,
        ),
        ExercisePlan(
            "extension",
            "triceps-extension",
            DoubleProgression(increment=D(1)),
            ExerciseState(load=D(14)),
            RACK,
        ),
    )

    def day(name: str, *slots: tuple[str, ...]) -> DaySpec:
        return DaySpec(name=name, slots=tuple(SlotSpec(s) for s in slots))

    week = WeekSpec(
        (
            day("squat", ("squat",), ("front",), ("row",), ("curl", "extension"), ("lateral",)),
            day("bench", ("bench",), ("incline",), ("pullup",), ("dip", "curl"), ("lateral",)),
            day("deadlift", ("deadlift",), ("rdl",), ("lunge",), ("row", "extension"), ("curl",)),
            day("press", ("press",), ("incline",), ("pullup",), ("dip", "lateral"), ("extension",)),
        )
    )
    return ProgramSpec(weeks=(week,) * weeks, plans=plans, deload=DeloadPolicy(every_weeks=4))


def _machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {system}"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=60, help="preview rounds (default 60)")
    parser.add_argument("--calls", type=int, default=20000, help="calls per single-step case (default 20000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = parser.parse_args()
    repeats = max(1, min(args.repeats, 10_000))
    calls = max(10, min(args.calls, 1_000_000))

    twelve, four = program(12), program(4)
    sessions_12 = sum(len(s.plans) for w in twelve.weeks for d in w.days for s in d.slots)
    sessions_4 = sum(len(s.plans) for w in four.weeks for d in w.days for s in d.slots)

    linear, state = LinearScheme(), ExerciseState(load=D(100))
    met = Outcome(sets=tuple(PerformedSet(reps=5, load=D(100)) for _ in range(3)))
    wendler, wstate = Wendler531(), ExerciseState(training_max=D(140))
    wmet = Outcome(
        sets=(
            PerformedSet(reps=5, load=D(90)),
            PerformedSet(reps=5, load=D(105)),
            PerformedSet(reps=7, load=D(120), set_type=SetType.AMRAP),
        )
    )
    round_targets = [D(20) + D(i) / 7 for i in range(997)]
    counter = iter(range(10**9))

    def cold_table() -> object:
        fresh = standard_kg_barbell(micro=True)  # a new instance builds its table on first use
        return fresh.round(D("101.3"))

    # (name, function, calls per round, unit divisor)
    previews: list[tuple[str, Callable[[], object]]] = [
        (f"preview, 12 weeks ({sessions_12} exercise-sessions)", lambda: preview(twelve)),
        (f"preview, 4 weeks ({sessions_4} exercise-sessions)", lambda: preview(four)),
    ]
    steps: list[tuple[str, Callable[[], object]]] = [
        ("e1RM Epley (Decimal)", lambda: e1rm(D(225), 5, Formula.EPLEY)),
        ("e1RM Mayhew (exp cached)", lambda: e1rm(D(225), 5, Formula.MAYHEW)),
        ("e1RM Lombardi (power cached)", lambda: e1rm(D(225), 5, Formula.LOMBARDI)),
        (
            "e1RM Lombardi, cache missed (fractional RIR)",
            lambda: e1rm(D(225), 5, Formula.LOMBARDI, rir=D(next(counter) % 4000) / 1000),
        ),
        ("e1RM Epley with RIR", lambda: e1rm(D(225), 5, Formula.EPLEY, rir=D(2))),
        ("plate rounding (warm table)", lambda: KG.round(round_targets[next(counter) % 997])),
        ("plate table build (cold) + rounding", cold_table),
        ("prescribe, linear", lambda: prescribe(linear, state, KG)),
        ("progress, linear (met)", lambda: progress(linear, state, met, KG)),
        ("progress, 5/3/1 week 1 (AMRAP)", lambda: progress(wendler, wstate, wmet, KG)),
    ]
    samples: dict[str, list[float]] = {name: [] for name, _ in (*previews, *steps)}
    for _, func in (*previews, *steps):
        for _ in range(3):
            func()
    step_rounds = 10
    per_round = max(1, calls // step_rounds)
    preview_per_round = max(1, repeats // step_rounds)
    cold_per_round = max(1, per_round // 50)
    for _ in range(step_rounds):
        for name, func in previews:
            for _ in range(preview_per_round):
                started = time.perf_counter_ns()
                func()
                samples[name].append((time.perf_counter_ns() - started) / 1e6)  # ms
        for name, func in steps:
            n = cold_per_round if "cold" in name else per_round
            for _ in range(n):
                started = time.perf_counter_ns()
                func()
                samples[name].append((time.perf_counter_ns() - started) / 1e3)  # us

    rows = []
    for name, values in samples.items():
        unit = "ms" if name.startswith("preview") else "us"
        rows.append(
            {
                "case": name,
                "unit": unit,
                "samples": len(values),
                "p50": _pct(values, 50),
                "p99": _pct(values, 99),
                "mean": statistics.fmean(values),
            }
        )
    p12 = next(r for r in rows if r["case"].startswith("preview, 12"))
    p4 = next(r for r in rows if r["case"].startswith("preview, 4"))
    epley = next(r for r in rows if r["case"] == "e1RM Epley (Decimal)")
    missed = next(r for r in rows if "missed" in r["case"])
    cached = next(r for r in rows if r["case"].startswith("e1RM Lombardi (power"))
    ratios = {
        "preview 12 weeks / 4 weeks (p50)": p12["p50"] / p4["p50"],
        "sessions 12 weeks / 4 weeks": sessions_12 / sessions_4,
        "preview 12 weeks per exercise-session (p50, us)": p12["p50"] * 1000 / sessions_12,
        "Mayhew / Epley (p50)": next(r for r in rows if r["case"].startswith("e1RM Mayhew"))["p50"]
        / epley["p50"],
        "Lombardi cache missed / cached (p50)": missed["p50"] / cached["p50"],
    }
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"machine": _machine(), "loadavg": load, "rows": rows, "ratios": ratios}, indent=2))
        return
    print(f"Machine: {_machine()}; load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}\n")
    print("| case | p50 | p99 | mean | samples |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        unit = r["unit"]
        print(
            f"| {r['case']} | {r['p50']:.2f} {unit} | {r['p99']:.2f} {unit} | {r['mean']:.2f} {unit} "
            f"| {r['samples']} |"
        )
    print()
    for name, value in ratios.items():
        print(f"- {name}: {value:.2f}")


if __name__ == "__main__":
    main()
