"""The gold benchmarks are read in place, and skipped cleanly when absent."""

from __future__ import annotations

from hitflow.gold import GOLD_DIR, evaluate_gold, gold_sets


def test_absent_benchmarks_are_skipped_with_a_message(tmp_path):
    lines = list(evaluate_gold(tmp_path / "nowhere"))
    assert lines == [f"gold: skipped, no benchmark data at {tmp_path / 'nowhere'}"]


def test_benchmark_folders_need_answers(tmp_path):
    (tmp_path / "dog").mkdir()
    (tmp_path / "duck").mkdir()
    (tmp_path / "duck" / "answers.csv").write_text("question,worker,answer\n")
    assert gold_sets(tmp_path) == [tmp_path / "duck"]


def test_the_benchmarks_are_looked_for_beside_the_repository():
    assert GOLD_DIR.parts[-3:] == ("shared", "data", "gold")
