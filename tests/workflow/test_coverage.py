import json

import pytest
from typer.testing import CliRunner

from narcolex.cli import app

pytestmark = pytest.mark.db


def test_coverage_counts_validated_terms_per_cell(db_env, mini_content):
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--content", str(mini_content)]).exit_code == 0
    result = runner.invoke(app, ["kb", "coverage", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    en = data["languages"]["en"]
    assert en["terms"] == 3  # the low-confidence entry is proposed, not counted
    assert en["groups"]["cocaine"] == 1 and en["groups"]["cannabis"] == 1
    assert en["groups"]["offer"] == 1 and en["groups"]["mdma"] == 0
    assert en["sourced_share"] == 1.0
    assert data["languages"]["fi"]["terms"] == 0
    assert "en:mdma" in data["empty_major_cells_large_languages"]
    assert "en:cocaine" not in data["empty_major_cells_large_languages"]
    table = runner.invoke(app, ["kb", "coverage"])
    assert table.exit_code == 0 and "empty major cells" in table.stdout
