"""Pure logic of the evaluation and of answer types: paired statistics, report, rules."""

from __future__ import annotations

from assistant.evaluation.metrics import RetrievalScores, compare, paired, sign_test
from assistant.evaluation.report import format_reports
from assistant.question.answertype import added_names, expected_type, type_score


def test_sign_test_is_exact_binomial() -> None:
    assert sign_test(0, 0) == 1.0
    assert abs(sign_test(9, 1) - 2 * 11 / 1024) < 1e-12
    assert sign_test(5, 5) == 1.0


def test_paired_interval_excludes_zero_only_for_a_clear_gain() -> None:
    clear = paired([1.0] * 40 + [0.0] * 10, [0.0] * 40 + [0.0] * 10)
    assert clear["diff"] == 0.8 and clear["ci95"][0] > 0 and clear["wins"] == 40
    even = paired([1.0, 0.0] * 20, [0.0, 1.0] * 20)
    assert even["diff"] == 0.0 and even["ci95"][0] < 0 < even["ci95"][1]
    assert paired([1.0, 0.0], [0.0, 0.0]) == paired([1.0, 0.0], [0.0, 0.0])  # fixed seed


def scores(ranks: list[int | None]) -> RetrievalScores:
    n = len(ranks)
    return RetrievalScores(
        n=n,
        hits1=sum(r == 0 for r in ranks) / n,
        hits5=sum(r is not None and r < 5 for r in ranks) / n,
        hits10=sum(r is not None for r in ranks) / n,
        mrr10=sum(1 / (r + 1) for r in ranks if r is not None) / n,
        p50_ms=1.0,
        p95_ms=2.0,
        ranks=ranks,
    )


def test_compare_pairs_questions_by_rank() -> None:
    ours, theirs = scores([0, 0, 3, None]), scores([2, 0, None, None])
    result = compare(ours, theirs)
    assert result["hits@1"]["diff"] == 0.25 and result["hits@1"]["wins"] == 1
    assert result["hits@10"]["diff"] == 0.25
    assert abs(result["mrr@10"]["diff"] - ((1 - 1 / 3) + 0.25) / 4) < 1e-4


def test_report_puts_splits_side_by_side() -> None:
    def split(name: str) -> dict:
        r = {"hits@1": 0.3, "hits@5": 0.5, "hits@10": 0.7, "mrr@10": 0.4,
             "search_p50_ms": 10.0, "search_p95_ms": 20.0}  # fmt: skip
        return {
            "split": name, "weeks": ["20240105", "20240112"], "articles": 5, "passages": 9,
            "answerable": 3, "questions": 4,
            "retrieval": {"newsdesk": r, "tutorial": r},
            "paired": compare(scores([0, None]), scores([1, None])),
            "answers": {"answer_sentence_rate": 0.5, "mc_accuracy": 0.6, "ask_p50_ms": 100.0,
                        "ask_p95_ms": 200.0},
        }  # fmt: skip

    text = format_reports([split("realtimeqa"), split("realtimeqa-2023")])
    header = text.splitlines()[0]
    assert "realtimeqa" in header and "realtimeqa-2023" in header
    assert "newsdesk - tutorial" in text and "answer-sentence rate" in text


def test_expected_answer_types() -> None:
    assert expected_type("How many Russian troops were killed?") == "number"
    assert expected_type("Which newspaper analysed the imagery?") == "org"
    assert expected_type("Which state has been drenched by a storm?") == "place"
    assert expected_type("Who won Best Director?") == "person"
    assert expected_type("By when will the ozone layer recover?") == "date"
    assert expected_type("Describe the storm.") is None


def test_only_what_the_sentence_adds_counts() -> None:
    question = "Which newspaper analysed the satellite imagery of Bakhmut?"
    echo = "Satellite imagery of Bakhmut was analysed this week."
    answer = "Satellite imagery analyzed by The New York Times shows craters near Bakhmut."
    assert type_score(question, echo) == 0.0
    assert type_score(question, answer) == 1.0
    assert [n for _, n in added_names(question, answer)] == ["The New York Times"]
    count = "How many rounds of voting did Kevin McCarthy need?"
    assert type_score(count, "Kevin McCarthy won after 15 rounds of voting.") == 1.0
    assert type_score(count, "Kevin McCarthy won the vote.") == 0.0


def test_rare_words_missing_from_the_evidence_lower_coverage() -> None:
    from assistant.engines.sentences import Query, rare_coverage
    from index.types import Hit

    text = "Damar Hamlin of the Buffalo Bills collapsed during the game."
    hits = [
        Hit(passage_id="p", article_id="a", n=0, text=text, start=0, end=len(text),
            sentences=((0, len(text)),), score=0.0, title="t")
    ]  # fmt: skip
    held = Query("Which team does Damar Hamlin play for?", rarity=(("hamlin", 0.9), ("team", 0.1)))
    absent = Query("Which team does Joe Burrow play for?", rarity=(("burrow", 1.0), ("team", 0.1)))
    assert rare_coverage(held, hits) > 0.8
    assert rare_coverage(absent, hits) == 0.0
    assert rare_coverage(Query("Which team?"), hits) == 1.0


def test_weights_chosen_on_the_tuning_split_are_applied_unchanged_to_the_others() -> None:
    from assistant.evaluation.abstention import weight_grid
    from assistant.evaluation.report import transferred

    # the best sentence alone cannot separate them; the rare-word part can
    inside = [(0.8, 1.0, 1.0, 0.0)] * 9 + [(0.7, 1.0, 0.9, 0.0)]
    outside = [(0.8, 1.0, 0.0, 0.0)] * 10
    tuning = {"split": "tune", "abstention": {
        "grid": weight_grid(inside, outside),
        "parts": {"answerable": inside, "out_of_corpus": outside}}}  # fmt: skip
    other_in, other_out = [(0.8, 0.0, 1.0, 0.0)] * 4, [(0.9, 0.0, 0.0, 0.0)] * 4
    confirm = {"split": "confirm", "abstention": {
        "grid": weight_grid(other_in, other_out),
        "parts": {"answerable": other_in, "out_of_corpus": other_out}}}  # fmt: skip
    chosen = transferred([tuning, confirm])
    assert chosen is not None and chosen["rare_weight"] > 0 and chosen["coverage_weight"] == 0
    assert chosen["rates"][0]["answered_answerable"] >= 0.9
    assert chosen["rates"][0]["declined_out_of_corpus"] == 1.0
    # applied as chosen, not refitted: the confirmation split keeps the tuning threshold
    threshold = chosen["threshold"]
    expect_in = sum(0.8 + chosen["rare_weight"] >= threshold for _ in other_in) / 4
    assert chosen["rates"][1]["answered_answerable"] == expect_in


def test_the_reader_part_of_the_confidence_is_weighed_when_it_separates() -> None:
    from assistant.evaluation.abstention import weight_grid
    from assistant.evaluation.report import transferred

    inside = [(0.8, 1.0, 0.5, 0.9)] * 10
    outside = [(0.8, 1.0, 0.5, 0.1)] * 10
    report = {"split": "tune", "abstention": {
        "grid": weight_grid(inside, outside),
        "parts": {"answerable": inside, "out_of_corpus": outside}}}  # fmt: skip
    chosen = transferred([report])
    assert chosen is not None and chosen["reader_weight"] > 0
    assert chosen["coverage_weight"] == chosen["rare_weight"] == 0  # lightest that separates
    assert chosen["rates"][0] == {"answered_answerable": 1.0, "declined_out_of_corpus": 1.0}
