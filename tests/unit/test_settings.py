from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from assistant.settings import Settings, get_settings, token_matches


def test_environment_with_prefix_and_nesting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("NEWSDESK_CHROMA_URL", "http://127.0.0.1:8000")
    monkeypatch.setenv("NEWSDESK_INDEX__PASSAGE_TOKENS", "150")
    monkeypatch.setenv("NEWSDESK_ANSWER__MIN_RELEVANCE", "0.5")
    monkeypatch.setenv("HOME_UNRELATED", "x")
    s = get_settings()
    assert s.home == tmp_path / "h"
    assert s.chroma_url == "http://127.0.0.1:8000"
    assert s.index.passage_tokens == 150 and s.answer.min_relevance == 0.5


def test_unprefixed_variables_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/elsewhere")
    monkeypatch.setenv("INDEX__PASSAGE_TOKENS", "20")
    assert get_settings().index.passage_tokens == 200


def test_dict_overrides_and_validation() -> None:
    assert get_settings({"retrieval": {"k": 5}}).retrieval.k == 5
    with pytest.raises(ValidationError, match="passage_tokens"):
        Settings(index={"passage_tokens": 1000})
    with pytest.raises(ValidationError, match="Extra inputs"):
        Settings(index={"no_such_setting": 1})


def test_passage_budget_fits_the_model() -> None:
    # the model reads 256 word pieces including 2 special tokens
    assert Settings.model_fields["index"].default_factory().passage_tokens <= 254


def test_one_token_check_for_the_api_and_the_ui() -> None:
    for unset in (None, "", "  ", SecretStr(""), SecretStr(" ")):
        assert token_matches(None, unset) and token_matches("anything", unset)
    for secret in ("s3cret-é", SecretStr("s3cret-é")):
        assert token_matches("s3cret-é", secret)
        for wrong in (None, "", "s3cret", "s3cret-é ", "S3CRET-é"):
            assert not token_matches(wrong, secret)
