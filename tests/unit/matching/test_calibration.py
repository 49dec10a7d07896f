"""``match_score`` as a probability: the isotonic fit and the shipped curves (how well they
predict precision on the real menus: ``test_real_menus.py``)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poslink.matching.calibration import KINDS, Calibration, Curve, fit, load_calibration


def test_a_step_of_three_right_ids_says_four_in_five() -> None:
    curve = fit({"brand": [(0.9, True)] * 3}).curves["brand"]
    assert curve(0.9) == pytest.approx(0.8)


def test_pooled_steps_follow_the_evidence() -> None:
    # Wrong ids at high evidence and right ones at low: one pooled step, flat.
    samples = [(0.6, True), (0.6, True), (0.9, False), (0.9, False)]
    curve = fit({"brand": samples}).curves["brand"]
    assert curve(0.6) == curve(0.9) == pytest.approx(0.5)
    ordered = [(0.6, False), (0.6, False), (0.9, True), (0.9, True)]
    rising = fit({"brand": ordered}).curves["brand"]
    assert rising(0.6) == pytest.approx(0.25) and rising(0.9) == pytest.approx(0.75)
    assert rising(0.75) == pytest.approx(0.5)  # linear between knots


@given(
    st.lists(
        st.tuples(st.floats(0.5, 1.0, allow_nan=False), st.booleans()), min_size=1, max_size=300
    )
)
def test_a_fitted_curve_is_monotone_and_a_probability(samples: list[tuple[float, bool]]) -> None:
    curve = fit({"brand": samples}).curves["brand"]
    assert curve.samples == len(samples)
    xs = [0.5 + i / 200 for i in range(101)]
    ys = [curve(x) for x in xs]
    assert all(0.0 < y < 1.0 for y in ys)
    assert all(a <= b + 1e-12 for a, b in pairwise(ys))


def test_the_shipped_curves_round_trip_and_cover_the_kinds_ids_are_given_by() -> None:
    shipped = load_calibration()
    # Every way an id is found on a catalog with brands has data behind it.
    assert {"whole name", "duplicate", "brand", "strain part", "generic"} <= set(shipped.curves)
    assert set(shipped.curves) <= set(KINDS)
    again = Calibration.from_json(shipped.to_json())
    for kind, curve in shipped.curves.items():
        assert again.curves[kind] == curve
        assert list(curve.evidence) == sorted(curve.evidence)
        assert list(curve.probability) == sorted(curve.probability)
    # A kind without a curve keeps its evidence.
    assert Calibration({}).probability("brand", 0.77) == 0.77
    assert Curve((), (), 0)(0.6) == 0.6
