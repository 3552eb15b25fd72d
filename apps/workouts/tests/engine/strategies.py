"""Hypothesis strategies for engine tests: loading set-ups in kg and lb, loads, outcomes."""

from decimal import Decimal

from hypothesis import strategies as st

from apps.workouts.engine import PlateLoading, PlateStock, StackLoading, Unit

KG_SIZES = ("25", "20", "15", "10", "5", "2.5", "1.25")
KG_MICRO = ("1", "0.5", "0.25")
LB_SIZES = ("55", "45", "35", "25", "10", "5", "2.5")
LB_MICRO = ("1.25", "1", "0.5", "0.25")


@st.composite
def plate_loadings(draw: st.DrawFn, unit: Unit | None = None) -> PlateLoading:
    unit = unit or draw(st.sampled_from([Unit.KG, Unit.LB]))
    sizes, micro_sizes = (KG_SIZES, KG_MICRO) if unit is Unit.KG else (LB_SIZES, LB_MICRO)
    bar = Decimal(
        draw(st.sampled_from(["20", "15", "10", "7.5", "0"] if unit is Unit.KG else ["45", "35", "15"]))
    )
    chosen = draw(st.lists(st.sampled_from(sizes), unique=True, max_size=len(sizes)))
    plates = tuple(PlateStock(Decimal(s), draw(st.integers(0, 6))) for s in chosen)
    micro_chosen = draw(st.lists(st.sampled_from(micro_sizes), unique=True, max_size=2))
    micro = tuple(PlateStock(Decimal(s), draw(st.integers(1, 2))) for s in micro_chosen)
    return PlateLoading(unit=unit, bar=bar, plates=plates, micro_plates=micro)


@st.composite
def stack_loadings(draw: st.DrawFn) -> StackLoading:
    unit = draw(st.sampled_from([Unit.KG, Unit.LB]))
    minimum = Decimal(draw(st.sampled_from(["0", "2", "5", "10"])))
    step = Decimal(draw(st.sampled_from(["1", "2", "2.5", "5"])))
    steps = draw(st.integers(0, 60))
    return StackLoading(unit=unit, minimum=minimum, step=step, maximum=minimum + step * steps)


loadings = st.one_of(plate_loadings(), stack_loadings())

targets = st.decimals(min_value=Decimal(-50), max_value=Decimal(700), places=2)
