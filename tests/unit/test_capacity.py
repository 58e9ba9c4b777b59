"""Settings and arithmetic that keep a rerun cheap."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from scipy import stats

from core.growth.statistics import _mann_kendall, _one_sided_p
from tests.conftest import ROOT


def test_the_server_runs_no_full_garbage_collection_after_every_rerun() -> None:
    """Streamlit's default collects the whole heap after each script run, holding every other
    session's run meanwhile: 40 % of the server's CPU under load (README, "Capacity")."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"


@pytest.mark.parametrize("s", [-40.0, -7.0, -1.0, 0.0, 1.0, 3.0, 12.0, 60.0])
@pytest.mark.parametrize("var", [0.5, 30.0, 950.0])
def test_the_trend_tests_p_value_is_the_normal_upper_tail(s: float, var: float) -> None:
    z = (s - 1) / np.sqrt(var) if s > 0 else (s + 1) / np.sqrt(var) if s < 0 else 0.0
    assert _one_sided_p(s, var) == pytest.approx(float(stats.norm.sf(z)), rel=1e-12, abs=1e-300)


def test_the_mann_kendall_statistic_counts_every_pair() -> None:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 5, 25).astype(float)  # with ties
    x = np.arange(25, dtype=float)
    s, _ = _mann_kendall(x, y)
    assert s == sum(np.sign(y[j] - y[i]) for i in range(25) for j in range(i + 1, 25))
    assert _one_sided_p(0.0, 0.0) == 1.0
