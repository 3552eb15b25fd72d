"""What a gym can load: a barbell with plates, or a stack/dumbbell rack in fixed steps.

Every total returned by ``round_load`` is loadable with the gym's equipment and never below the
empty bar (or the lightest stack weight). Sums are computed exactly on integer multiples of the
plates' greatest common divisor, with the reachable per-side sums kept as one bitset per setup.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from apps.workouts.engine.errors import EngineError, check_number
from apps.workouts.engine.units import Unit
from apps.workouts.engine.units import plain as _plain

_SCALE = 1000  # plate sizes and bars are handled in thousandths of the unit
MAX_PAIRS = 200
MAX_SIDE_STEPS = 200_000  # per-side sums kept in a table: bounded so a set-up cannot exhaust memory


class Rounding(StrEnum):
    """How a target load becomes a loadable one. Ties of ``NEAREST`` go down."""

    NEAREST = "nearest"
    DOWN = "down"
    UP = "up"


def _to_units(value: Decimal, what: str) -> int:
    scaled = value * _SCALE
    if scaled != scaled.to_integral_value():
        raise EngineError(f"{what} must be a multiple of 0.001, got {value}")
    return int(scaled)


def _from_units(units: int) -> Decimal:
    return _plain(Decimal(units) / _SCALE)


@dataclass(frozen=True, slots=True)
class PlateStock:
    """``pairs`` pairs of plates of ``size`` (one plate of a pair goes on each side)."""

    size: Decimal
    pairs: int

    def __post_init__(self) -> None:
        check_number(self.size, "a plate size")
        if self.size <= 0:
            raise EngineError(f"a plate size must be positive, got {self.size}")
        if self.pairs < 0:
            raise EngineError(f"a plate count must not be negative, got {self.pairs} pairs of {self.size}")
        if self.pairs > MAX_PAIRS:
            raise EngineError(
                f"at most {MAX_PAIRS} pairs of one plate size, got {self.pairs} pairs of {self.size}"
            )
        _to_units(self.size, "a plate size")


@dataclass(frozen=True, slots=True)
class PlateCount:
    """``count`` plates of ``size`` on each side of the bar."""

    size: Decimal
    count: int


@dataclass(frozen=True, slots=True)
class PlateBreakdown:
    """How to load ``total``: the bar plus ``per_side`` on each side, heaviest plates first."""

    total: Decimal
    bar: Decimal
    per_side: tuple[PlateCount, ...]
    unit: Unit

    def describe(self) -> str:
        """E.g. ``"100 kg: bar 20 kg + per side 25 + 15"``."""
        if not self.per_side:
            return f"{_plain(self.total)} {self.unit}: empty bar"
        plates = " + ".join(
            f"{_plain(p.size)}" if p.count == 1 else f"{p.count}x{_plain(p.size)}" for p in self.per_side
        )
        return f"{_plain(self.total)} {self.unit}: bar {_plain(self.bar)} {self.unit} + per side {plates}"


@dataclass(frozen=True)
class PlateLoading:
    """A barbell set-up: ``bar`` weight, plate pairs and optional micro-plate pairs, in ``unit``.

    The table of loadable sums is built on first use and kept on the instance (not a field: it
    takes no part in equality, hashing or ``repr``)."""

    unit: Unit
    bar: Decimal
    plates: tuple[PlateStock, ...]
    micro_plates: tuple[PlateStock, ...] = ()

    def __post_init__(self) -> None:
        check_number(self.bar, "the bar weight")
        if self.bar < 0:
            raise EngineError(f"the bar weight must not be negative, got {self.bar}")
        _to_units(self.bar, "the bar weight")
        sizes = [p.size for p in (*self.plates, *self.micro_plates)]
        if len(set(sizes)) != len(sizes):
            raise EngineError("each plate size may be listed once")
        _side_table(self)  # built now, so a set-up that is too fine-grained fails here

    @property
    def min_load(self) -> Decimal:
        return self.bar

    @property
    def max_load(self) -> Decimal:
        table = _side_table(self)
        return _plain(self.bar + _from_units(2 * table.max_side * table.grain))

    def round(self, target: Decimal, mode: Rounding = Rounding.NEAREST) -> Decimal:
        """The loadable total nearest ``target`` (ties down), or the next one down/up.

        Below the empty bar gives the bar; above the heaviest loadable total gives that total.
        """
        check_number(target, "a target load")
        table = _side_table(self)
        side_target = (target - self.bar) * _SCALE / (2 * table.grain)
        side = table.pick(side_target, Rounding(mode))
        return _plain(self.bar + _from_units(2 * side * table.grain))

    def _side_grains(self, total: Decimal) -> int | None:
        table = _side_table(self)
        excess = (total - self.bar) * _SCALE / (2 * table.grain)
        if excess < 0 or excess != excess.to_integral_value():
            return None
        return int(excess)

    def is_loadable(self, total: Decimal) -> bool:
        side = self._side_grains(total)
        return side is not None and _side_table(self).reachable(side)

    def breakdown(self, total: Decimal) -> PlateBreakdown:
        """Plates per side for a loadable ``total``, heaviest first (raises if not loadable)."""
        side = self._side_grains(total)
        table = _side_table(self)
        if side is None or not table.reachable(side):
            raise EngineError(f"{total} {self.unit} cannot be loaded with this bar and these plates")
        remaining = side
        counts: list[PlateCount] = []
        for index, (size, pairs) in enumerate(table.stock):
            rest_mask = table.suffix_masks[index + 1]
            take = min(pairs, remaining // size)
            while take > 0 and not (rest_mask >> (remaining - take * size)) & 1:
                take -= 1
            if take:
                counts.append(PlateCount(size=_from_units(size * table.grain), count=take))
                remaining -= take * size
        assert remaining == 0
        return PlateBreakdown(total=total, bar=self.bar, per_side=tuple(counts), unit=self.unit)


@dataclass(frozen=True, slots=True)
class _SideTable:
    grain: int  # thousandths of the unit per step: the greatest common divisor of the plate sizes
    stock: tuple[tuple[int, int], ...]  # (size in grains, pairs), heaviest first
    suffix_masks: tuple[int, ...]  # bit s set: a per-side sum of s grains is reachable with stock[i:]
    sums: tuple[int, ...]  # every reachable per-side sum in grains, ascending

    @property
    def max_side(self) -> int:
        return self.sums[-1]

    def reachable(self, side: int) -> bool:
        return side >= 0 and bool((self.suffix_masks[0] >> side) & 1)

    def pick(self, side_target: Decimal, mode: Rounding) -> int:
        sums = self.sums
        if side_target <= 0:
            return 0
        if side_target >= sums[-1]:
            return sums[-1]
        hi = bisect.bisect_left(sums, side_target)  # sums[hi] >= target > sums[hi-1]
        up, down = sums[hi], sums[hi - 1]
        if up == side_target or mode is Rounding.UP:
            return up
        if mode is Rounding.DOWN:
            return down
        return up if (up - side_target) < (side_target - down) else down


def _side_table(setup: PlateLoading) -> _SideTable:
    table: _SideTable | None = setup.__dict__.get("_table")
    if table is None:
        table = _build_side_table(setup)
        object.__setattr__(setup, "_table", table)
    return table


def _build_side_table(setup: PlateLoading) -> _SideTable:
    units = [
        (_to_units(p.size, "a plate size"), p.pairs) for p in (*setup.plates, *setup.micro_plates) if p.pairs
    ]
    grain = math.gcd(*(size for size, _ in units)) if units else 1
    stock = sorted(((size // grain, pairs) for size, pairs in units), reverse=True)
    distinct = sum(size * pairs for size, pairs in stock)
    if distinct > MAX_SIDE_STEPS:
        raise EngineError(
            f"these plates give {distinct} steps per side (at most {MAX_SIDE_STEPS}): "
            "list fewer pairs or coarser sizes"
        )
    masks = [1]
    for size, pairs in reversed(stock):
        mask = masks[-1]
        for _ in range(pairs):
            mask |= mask << size
        masks.append(mask)
    masks.reverse()
    bits = bin(masks[0])[:1:-1]  # least significant bit first
    sums = tuple(i for i, bit in enumerate(bits) if bit == "1")
    return _SideTable(grain=grain, stock=tuple(stock), suffix_masks=tuple(masks), sums=sums)


@dataclass(frozen=True, slots=True)
class StackLoading:
    """Loads in fixed steps: a machine stack or a dumbbell rack (``minimum + k * step``)."""

    unit: Unit
    minimum: Decimal
    step: Decimal
    maximum: Decimal

    def __post_init__(self) -> None:
        check_number(self.minimum, "the lightest load")
        check_number(self.step, "the step")
        check_number(self.maximum, "the heaviest load")
        if self.minimum < 0:
            raise EngineError(f"the lightest load must not be negative, got {self.minimum}")
        if self.step <= 0:
            raise EngineError(f"the step must be positive, got {self.step}")
        if self.maximum < self.minimum:
            raise EngineError(f"the heaviest load {self.maximum} is below the lightest {self.minimum}")

    @property
    def min_load(self) -> Decimal:
        return self.minimum

    @property
    def max_load(self) -> Decimal:
        steps = ((self.maximum - self.minimum) / self.step).to_integral_value(rounding="ROUND_FLOOR")
        return _plain(self.minimum + steps * self.step)

    def round(self, target: Decimal, mode: Rounding = Rounding.NEAREST) -> Decimal:
        check_number(target, "a target load")
        if target <= self.minimum:
            return _plain(self.minimum)
        top = self.max_load
        if target >= top:
            return top
        steps = (target - self.minimum) / self.step
        down = steps.to_integral_value(rounding="ROUND_FLOOR")
        mode = Rounding(mode)
        if steps == down or mode is Rounding.DOWN:
            chosen = down
        elif mode is Rounding.UP:
            chosen = down + 1
        else:
            chosen = down + 1 if steps - down > Decimal("0.5") else down
        return _plain(self.minimum + chosen * self.step)

    def is_loadable(self, total: Decimal) -> bool:
        if total < self.minimum or total > self.maximum:
            return False
        steps = (total - self.minimum) / self.step
        return steps == steps.to_integral_value()


Loading = PlateLoading | StackLoading
"""Any gym set-up the engine rounds to; both expose ``unit``, ``min_load``, ``max_load``,
``round(target, mode)`` and ``is_loadable(total)``."""


def standard_kg_barbell(*, pairs: int = 10, micro: bool = False) -> PlateLoading:
    """A 20 kg bar with 25/20/15/10/5/2.5/1.25 kg plates (``pairs`` of each), optionally 0.5/0.25."""
    return PlateLoading(
        unit=Unit.KG,
        bar=Decimal(20),
        plates=tuple(PlateStock(Decimal(s), pairs) for s in ("25", "20", "15", "10", "5", "2.5", "1.25")),
        micro_plates=tuple(PlateStock(Decimal(s), 2) for s in ("0.5", "0.25")) if micro else (),
    )


def standard_lb_barbell(*, pairs: int = 10, micro: bool = False) -> PlateLoading:
    """A 45 lb bar with 45/35/25/10/5/2.5 lb plates (``pairs`` of each), optionally 1.25/0.5 lb."""
    return PlateLoading(
        unit=Unit.LB,
        bar=Decimal(45),
        plates=tuple(PlateStock(Decimal(s), pairs) for s in ("45", "35", "25", "10", "5", "2.5")),
        micro_plates=tuple(PlateStock(Decimal(s), 2) for s in ("1.25", "0.5")) if micro else (),
    )
