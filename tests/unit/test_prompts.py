from __future__ import annotations

import pytest

import prompts


def test_every_template_renders_with_its_placeholders() -> None:
    assert prompts.names() == sorted(prompts.PLACEHOLDERS)
    for name in prompts.names():
        values = {key: f"<{key}>" for key in prompts.PLACEHOLDERS[name]}
        text = prompts.render(name, **values)
        for value in values.values():
            assert value in text
        assert "$" not in text


def test_missing_value_is_named() -> None:
    with pytest.raises(prompts.TemplateError, match="sources"):
        prompts.render("answer", body="x")


def test_unknown_template_lists_the_known_ones() -> None:
    with pytest.raises(prompts.TemplateError, match="abstain"):
        prompts.load("nope")
