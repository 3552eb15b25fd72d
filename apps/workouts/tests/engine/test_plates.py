from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.workouts.engine import (
    EngineError,
    PlateCount,
    PlateLoading,
    PlateStock,
    Rounding,
    StackLoading,
    Unit,
    standard_kg_barbell,
    standard_lb_barbell,
)
from apps.workouts.tests.engine.strategies import loadings, plate_loadings, stack_loadings, targets

D = Decimal


@pytest.mark.parametrize(
    ("target", "nearest", "down", "up"),
    [
        ("10", "20", "20", "20"),
        ("-5", "20", "20", "20"),
        ("21", "20", "20", "22.5"),
        ("21.25", "20", "20", "22.5"),  # a tie goes down
        ("21.26", "22.5", "20", "22.5"),
        ("101.3", "102.5", "100", "102.5"),
        ("100", "100", "100", "100"),
        ("5000", "1595", "1595", "1595"),
    ],
)
def test_round_standard_kg_bar(target, nearest, down, up):
    kg = standard_kg_barbell()
    assert kg.round(D(target)) == D(nearest)
    assert kg.round(D(target), Rounding.DOWN) == D(down)
    assert kg.round(D(target), Rounding.UP) == D(up)


def test_micro_plates_give_half_kilo_steps():
    kg = standard_kg_barbell(micro=True)
    assert kg.round(D("101.3")) == D("101.5")
    assert kg.round(D("100.4")) == D("100.5")
    assert kg.breakdown(D("101.5")).per_side == (
        PlateCount(D(25), 1),
        PlateCount(D(15), 1),
        PlateCount(D("0.5"), 1),
        PlateCount(D("0.25"), 1),
    )


def test_limited_pairs_limit_what_is_loadable():
    gym = PlateLoading(
        unit=Unit.KG,
        bar=D(20),
        plates=(PlateStock(D(20), 1), PlateStock(D(15), 1), PlateStock(D(10), 0)),
    )
    # per side: 0, 15, 20 or 35 kg
    assert [gym.round(D(t)) for t in ("34", "49", "51", "60", "90", "200")] == [
        D(20),
        D(50),
        D(50),
        D(60),
        D(90),
        D(90),
    ]
    assert gym.max_load == D(90)
    assert gym.is_loadable(D(70)) is False
    assert gym.round(D(70), Rounding.UP) == D(90)
    assert gym.round(D(70), Rounding.DOWN) == D(60)


def test_breakdown_prefers_heavy_plates_but_respects_counts():
    gym = PlateLoading(
        unit=Unit.KG,
        bar=D(20),
        plates=(PlateStock(D(20), 1), PlateStock(D(15), 2), PlateStock(D(10), 1)),
    )
    # 30 per side: greedy 20 + 10 works; 45 per side needs 20 + 15 + 10 (not 20 + 15 + 15 = 50)
    assert gym.breakdown(D(80)).per_side == (PlateCount(D(20), 1), PlateCount(D(10), 1))
    assert gym.breakdown(D(110)).per_side == (
        PlateCount(D(20), 1),
        PlateCount(D(15), 1),
        PlateCount(D(10), 1),
    )
    # 30 per side with no 10s left after a 20 would fail greedily; 15 + 15 works
    no_tens = PlateLoading(unit=Unit.KG, bar=D(20), plates=(PlateStock(D(20), 1), PlateStock(D(15), 2)))
    assert no_tens.breakdown(D(80)).per_side == (PlateCount(D(15), 2),)


def test_breakdown_describes_the_bar():
    assert (
        standard_kg_barbell().breakdown(D("102.5")).describe()
        == "102.5 kg: bar 20 kg + per side 25 + 15 + 1.25"
    )
    assert standard_lb_barbell().breakdown(D(315)).describe() == "315 lb: bar 45 lb + per side 3x45"
    assert standard_lb_barbell().breakdown(D(45)).describe() == "45 lb: empty bar"
    with pytest.raises(EngineError, match=r"101 kg cannot be loaded with this bar and these plates"):
        standard_kg_barbell().breakdown(D(101))


def test_stack_rounds_in_steps():
    stack = StackLoading(unit=Unit.KG, minimum=D(5), step=D("2.5"), maximum=D(101))
    assert stack.max_load == D(100)
    assert [stack.round(D(t)) for t in ("0", "8.75", "8.76", "9", "100.9", "500")] == [
        D(5),
        D("7.5"),
        D(10),
        D(10),
        D(100),
        D(100),
    ]
    assert stack.round(D("7.6"), Rounding.DOWN) == D("7.5")
    assert stack.round(D("7.6"), Rounding.UP) == D(10)
    assert stack.is_loadable(D("12.5")) is True
    assert stack.is_loadable(D(13)) is False


def test_bad_setups_are_refused():
    with pytest.raises(EngineError, match="a plate size must be positive, got 0"):
        PlateStock(D(0), 2)
    with pytest.raises(EngineError, match="a plate count must not be negative, got -1 pairs of 20"):
        PlateStock(D(20), -1)
    with pytest.raises(EngineError, match="each plate size may be listed once"):
        PlateLoading(unit=Unit.KG, bar=D(20), plates=(PlateStock(D(20), 1), PlateStock(D(20), 2)))
    with pytest.raises(EngineError, match="the bar weight must not be negative"):
        PlateLoading(unit=Unit.KG, bar=D(-1), plates=())
    with pytest.raises(EngineError, match=r"a plate size must be a multiple of 0.001, got 0.0001"):
        PlateStock(D("0.0001"), 1)
    with pytest.raises(EngineError, match="the step must be positive"):
        StackLoading(unit=Unit.KG, minimum=D(0), step=D(0), maximum=D(10))


@settings(max_examples=150, deadline=None)
@given(plate_loadings(), targets, st.sampled_from(list(Rounding)))
def test_plate_rounding_is_always_loadable_and_never_below_the_bar(gym, target, mode):
    total = gym.round(target, mode)
    assert gym.is_loadable(total)
    assert total >= gym.bar
    breakdown = gym.breakdown(total)
    per_side = sum((p.size * p.count for p in breakdown.per_side), D(0))
    assert gym.bar + 2 * per_side == total
    stock = {p.size: p.pairs for p in (*gym.plates, *gym.micro_plates)}
    assert all(p.count <= stock[p.size] for p in breakdown.per_side)


@settings(max_examples=150, deadline=None)
@given(loadings, targets)
def test_down_up_and_nearest_bracket_the_target(gym, target):
    down, up, nearest = (gym.round(target, m) for m in (Rounding.DOWN, Rounding.UP, Rounding.NEAREST))
    assert down <= up
    assert nearest in (down, up)
    if gym.min_load <= target <= gym.max_load:
        assert down <= target <= up
        assert abs(nearest - target) <= abs(up - target)
        assert abs(nearest - target) <= abs(down - target)
    for value in (down, up, nearest):
        assert gym.is_loadable(value)
        assert gym.min_load <= value <= gym.max_load


@settings(max_examples=60, deadline=None)
@given(stack_loadings(), targets)
def test_stack_rounding_is_loadable(stack, target):
    assert stack.is_loadable(stack.round(target))


def test_absurd_setups_and_targets_are_refused():
    with pytest.raises(EngineError, match="at most 200 pairs of one plate size, got 5000 pairs of 20"):
        PlateStock(D(20), 5000)
    with pytest.raises(EngineError, match=r"these plates give 200000100 steps per side \(at most 200000\)"):
        PlateLoading(unit=Unit.KG, bar=D(20), plates=(PlateStock(D(1000), 200), PlateStock(D("0.001"), 100)))
    with pytest.raises(EngineError, match="a target load must be a finite number, got NaN"):
        standard_kg_barbell().round(D("NaN"))
    with pytest.raises(EngineError, match="a target load must not exceed 100000 in size, got 1E"):
        standard_kg_barbell().round(D("1E+9"))
    with pytest.raises(EngineError, match="the bar weight must be a Decimal, got float"):
        PlateLoading(unit=Unit.KG, bar=20.0, plates=())  # type: ignore[arg-type]
    with pytest.raises(EngineError, match="the step must be a finite number, got Infinity"):
        StackLoading(unit=Unit.KG, minimum=D(0), step=D("Infinity"), maximum=D(10))
