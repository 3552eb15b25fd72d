from decimal import ROUND_DOWN, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.workouts.engine import KG_PER_LB, EngineError, Unit, convert, format_load, from_kg, to_kg

D = Decimal


def test_conversions_round_explicitly():
    assert D("0.45359237") == KG_PER_LB
    assert to_kg(D(225), Unit.LB) == D("102.058")
    assert to_kg(D("102.5"), Unit.KG) == D("102.500")
    assert from_kg(D("102.058"), Unit.LB) == D("225.00")
    assert from_kg(D(100), Unit.LB) == D("220.46")
    assert from_kg(D(100), Unit.LB, quantum=D(1), rounding=ROUND_DOWN) == D(220)
    assert convert(D(45), Unit.LB, Unit.KG) == D("20.412")
    assert convert(D(20), Unit.KG, Unit.LB, quantum=D("0.1")) == D("44.1")
    assert convert(D("62.5"), Unit.KG, Unit.KG) == D("62.500")


def test_unit_values_and_formatting():
    assert [u.value for u in Unit] == ["kg", "lb"]
    assert format_load(D("102.500"), Unit.KG) == "102.5 kg"
    assert format_load(D("1E+2"), Unit.LB) == "100 lb"


def test_non_decimal_is_refused():
    with pytest.raises(EngineError, match="load must be a Decimal, got float"):
        to_kg(102.5, Unit.KG)  # type: ignore[arg-type]


@settings(max_examples=200)
@given(st.decimals(min_value=D(0), max_value=D(2500), places=2))
def test_pounds_survive_canonical_kg_storage(lb):
    assert from_kg(to_kg(lb, Unit.LB), Unit.LB) == lb


@settings(max_examples=100)
@given(st.decimals(min_value=D(0), max_value=D(1000), places=3))
def test_kilograms_are_stored_exactly(kg):
    assert to_kg(kg, Unit.KG) == kg
