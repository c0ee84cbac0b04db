"""What the web UI shows, without a browser: field errors, messages in UI words, API data."""

from __future__ import annotations

from datetime import date

from assistant.errors import BadRequest, NotIndexed, StillAdding
from assistant.present.chat import (
    answer_data,
    describe_filters,
    empty_chat,
    error_text,
    library_line,
    parse_filters,
    plain_messages,
    shorten,
)
from assistant.service import Stats
from assistant.types import Answer, Citation


def test_a_bad_date_names_its_field_and_what_to_type() -> None:
    filters, problem = parse_filters(["Riverside Gazette"], "2024-13-45", "")
    assert filters is None
    assert problem.startswith("**Published since:**") and "YYYY-MM-DD" in problem
    filters, problem = parse_filters(None, "", "June")
    assert filters is None and problem.startswith("**until:**")
    filters, problem = parse_filters(None, "2024-06-01", "2024-05-01")
    assert filters is None and "swap" in problem
    filters, problem = parse_filters(["A"], " 2024-05-01 ", "")
    assert problem == "" and filters is not None
    assert filters.since == date(2024, 5, 1) and filters.outlets == ("A",)
    filters, problem = parse_filters(None, "", "", "last week")
    assert filters is None and problem.startswith("**Ask as of:**")
    filters, problem = parse_filters(None, "", "", "2024-03-01")
    assert filters is not None and filters.as_of == date(2024, 3, 1)
    assert "as of 2024-03-01" in describe_filters(filters)


def test_errors_are_told_in_the_ui_s_words() -> None:
    empty = error_text(NotIndexed("No articles are indexed in /x yet."))
    assert "Add articles" in empty and "newsdesk ingest" not in empty
    assert "being added right now" in error_text(StillAdding("busy"))
    assert "Could not answer" in error_text(BadRequest("engine must be extractive or llm"))


def test_answer_data_is_plain_text_and_citations() -> None:
    citation = Citation(
        n=1, quote="The vote is now expected on June 3.", start=10, end=45,
        passage="x", passage_id="a#0", passage_start=0, passage_end=50, article_id="a",
        title="Council vote *postponed*", outlet="Easton Courier", score=1.0,
    )  # fmt: skip
    answer = Answer(
        question="When will the council vote?",
        text="The vote is now expected on June 3. [1]\n\nSources:\n[1] ...",
        body="The vote is now expected on June 3. [1]",
        abstained=False,
        citations=[citation],
    )
    data = answer_data(answer)
    assert data["answer"] == "The vote is now expected on June 3. [1]"
    assert data["citations"][0]["quote"] == citation.quote
    assert data["citations"][0]["title"] == "Council vote *postponed*"  # not escaped Markdown
    assert "hits" not in data


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("Norchem fire: what we know about the blaze", 20) == "Norchem fire: what…"
    assert shorten("short", 20) == "short"


def test_a_card_with_two_quotes_says_each_claim_and_check_once() -> None:
    from assistant.language.attribution import Attribution
    from assistant.present.markdown import source_cards
    from assistant.types import Corroboration, Source

    passage = "Council vote postponed. The vote was planned for Tuesday. It is now due June 3."

    def quote(start: int, end: int) -> Citation:
        return Citation(
            n=1, quote=passage[start:end], start=start, end=end, passage=passage,
            passage_id="a#0", passage_start=0, passage_end=len(passage), article_id="a",
            title="Council", score=1.0, attribution=Attribution(),
            corroboration=Corroboration(claim=passage[start:end], article_id="a"),
        )  # fmt: skip

    answer = Answer(
        question="When?", text="", body="", abstained=False,
        citations=[quote(0, 23), quote(57, 80)],
        sources=[Source(n=1, article_id="a", passage_id="a#0", title="Council")],
    )  # fmt: skip
    card = source_cards(answer)
    assert card.count("Claim by:") == 1 and card.count("single source") == 1
    assert card.count("<mark>") == 2


def _stats(articles: int, passages: int, outlets: int, span: tuple = (None, None)) -> Stats:
    return Stats(
        home="/h", store="/h/chroma", articles=articles, passages=passages, sources=articles,
        outlets=outlets, first_published=span[0], last_published=span[1], model="m",
        engine="extractive", llm=None,
    )  # fmt: skip


def test_library_line_counts_in_words() -> None:
    # the seed article: no outlet and no URL, so its outlet is unknown, not absent
    assert library_line(_stats(1, 5, 0)) == ("**Library:** 1 article · 5 passages · outlet unknown")
    assert library_line(_stats(0, 0, 0)) == "**Library:** 0 articles · 0 passages · 0 outlets"
    assert library_line(_stats(2, 1, 1)) == "**Library:** 2 articles · 1 passage · 1 outlet"
    line = library_line(_stats(823, 10195, 41, ("2024-01-02T10:00:00", "2024-01-30")))
    assert line == (
        "**Library:** 823 articles · 10,195 passages · 41 outlets"
        " · published 2024-01-02 to 2024-01-30"
    )


def test_the_empty_chat_points_to_add_articles_only_when_there_are_none() -> None:
    assert "Add articles" in empty_chat(_stats(0, 0, 0))
    held = empty_chat(_stats(1, 5, 0))
    assert "No articles yet" not in held and "Add articles" not in held


def test_an_inline_attribution_has_no_nested_parentheses() -> None:
    from assistant.language.attribution import Attribution
    from assistant.present.markdown import answer_markdown

    sentence = "Soldiers are reportedly running low on supplies."
    hedged = Citation(
        n=1, quote=sentence, start=0, end=len(sentence), passage=sentence, passage_id="a#0",
        passage_start=0, passage_end=len(sentence), article_id="a", title="T", score=1.0,
        attribution=Attribution(hedges=["reportedly"]),
    )  # fmt: skip
    answer = Answer(question="?", text="", body="", abstained=False, citations=[hedged])
    shown = answer_markdown(answer)
    assert "*(the article itself; reportedly)*" in shown and "((" not in shown
    colonel = Attribution(speaker="a Ukrainian colonel", kind="described_person", anonymous=True)
    assert colonel.label() == "a Ukrainian colonel (anonymous)"  # alone, outside parentheses
    assert colonel.label(flat=True) == "a Ukrainian colonel; anonymous"
    assert Attribution().label(flat=True) == "the article itself"


def test_chat_messages_come_back_as_text() -> None:
    """Gradio returns a message's content as parts; a reopened conversation must show text."""
    parts = [{"role": "user", "content": [{"text": "Who said it?", "type": "text"}]}]
    assert plain_messages(parts) == [{"role": "user", "content": "Who said it?"}]
    text = [{"role": "assistant", "content": "Reuters. [1]", "metadata": None}]
    assert plain_messages(text) == text and plain_messages(None) == []
