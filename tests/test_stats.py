"""kg stats and kg completion."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli import cli
from kg.stats import graph_stats

GRAPH = """\
@prefix kg: <https://w3id.org/casekg/onto#> .
@prefix c: <https://w3id.org/casekg/case/> .
c:a a kg:Case ; kg:hasFinding c:a-f1, c:a-f2 ; kg:hasProcedure c:a-p1 ;
    kg:unlinkedPhrase "odd phrase" .
c:a-f1 a kg:PedicleCementLeakage ; kg:assertion kg:Present ; kg:complicationOf c:a-p1 .
c:a-f2 a kg:NeurologicalDeficit ; kg:assertion kg:Absent .
c:a-p1 a kg:Kyphoplasty .
c:b a kg:Case ; kg:hasFinding c:b-f1 ; kg:hasProcedure c:b-p1 ; kg:unlinkedPhrase "odd phrase" .
c:b-f1 a kg:NeurologicalDeficit ; kg:assertion kg:Present .
c:b-p1 a kg:Vertebroplasty ; kg:planned true .
"""


def test_counts_assertions_and_top_classes(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    stats = graph_stats(path)
    assert stats.counts == {"cases": 2, "findings": 3, "complications": 1, "procedures": 2,
                            "planned procedures": 1, "unlinked phrases": 2}
    assert stats.assertions == {"Absent": 1, "Present": 2}
    assert stats.top_findings[0] == ("neurological deficit", 2)
    assert stats.top_unlinked == [("odd phrase", 2)]


def test_stats_command_json(tmp_path):
    path = tmp_path / "g.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    result = CliRunner().invoke(cli, ["stats", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"]["cases"] == 2


def test_completion_script_names_the_program():
    result = CliRunner().invoke(cli, ["completion", "bash"])
    assert result.exit_code == 0
    assert "_KG_COMPLETE" in result.output and "complete " in result.output
