import pytest

from tests.factories import PlotFactory, SeasonFactory, UserFactory


@pytest.fixture
def season(db):
    """A season open for applications in a garden of three plots (A1 with water, A2, B1)."""
    season = SeasonFactory(max_plots_per_gardener=1)
    PlotFactory(garden=season.garden, code="A1", area_m2=20, has_water_point=True)
    PlotFactory(garden=season.garden, code="A2", area_m2=30)
    PlotFactory(garden=season.garden, code="B1", area_m2=15, is_accessible=True)
    return season


@pytest.fixture
def plots(season):
    return {plot.code: plot for plot in season.garden.plots.all()}


@pytest.fixture
def gardener(db):
    return UserFactory(full_name="Louise Gardener")


@pytest.fixture
def other_gardener(db):
    return UserFactory(full_name="Omar Other")
