"""Settings: one object, read from NEWSDESK_* environment variables (only this module reads them).

Nested fields use a double underscore: ``NEWSDESK_INDEX__MODEL=/path/to/model``,
``NEWSDESK_ANSWER__MIN_RELEVANCE=0.4``. ``NEWSDESK_HOME``, ``NEWSDESK_CHROMA_URL`` and
``NEWSDESK_CATALOG_URL`` are top level.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexSettings(_Section):
    """How articles are split and embedded."""

    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Embedding model: the shipped default, all-mpnet-base-v2 (optional part "
        "packages, see docs/configuration.md), or a local sentence-transformers path.",
    )
    device: str = Field("cpu", description="Torch device for the embedding model.")
    precision: Literal["auto", "fp32", "bf16"] = Field(
        "auto", description="bf16 is about 2x faster on CPUs with native bf16; auto detects it."
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Passages per model forward pass.")
    passage_tokens: int = Field(
        200, ge=16, le=254, description="Most word pieces per passage (the model reads 254)."
    )
    overlap_sentences: int = Field(
        1, ge=0, le=3, description="Sentences repeated between consecutive passages."
    )
    lock_wait: float = Field(
        600,
        ge=0,
        le=86400,
        description="Seconds a write (ingest, add, upload, delete) waits its turn while another "
        "one runs (in this or another process or server); past it, the write fails (HTTP 503 "
        "with Retry-After) and adds nothing. 0 fails at once.",
    )
    allow_private_urls: bool = Field(
        False,
        description="Fetch URLs on private, loopback or link-local addresses (off: a shared "
        "server cannot be made to reach internal hosts).",
    )
    ingest_batch: int = Field(
        256, ge=1, le=10000, description="Passages embedded and committed together during ingest."
    )
    collection: str = Field("newsdesk-passages", description="Chroma collection name.")
    catalog_pool: int = Field(
        10, ge=2, le=200, description="Most connections to the PostgreSQL catalog, per process."
    )


class RetrievalSettings(_Section):
    """How passages are found."""

    k: int = Field(10, ge=1, le=100, description="Passages returned by search.")
    mode: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid", description="hybrid fuses dense (embeddings) and lexical (BM25) candidates."
    )
    candidates: int = Field(40, ge=1, le=500, description="Candidates from dense retrieval.")
    lexical_candidates: int = Field(
        10, ge=0, le=500, description="Candidates from BM25 (hybrid mode)."
    )
    lexical_max_df: int = Field(
        5000,
        ge=0,
        description="BM25 finds candidates without the question words held by more than this "
        "many passages (the rarest two stay; reranking still scores every word). They cost "
        "the most in a large library and rank least. 0: keep every word.",
    )
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal rank fusion constant.")
    rerank: bool = Field(True, description="Rescore fused candidates (cosine, BM25, key terms).")
    rerank_depth: int = Field(40, ge=1, le=500, description="Fused candidates rescored.")
    lexical_weight: float = Field(
        0.5, ge=0, le=5, description="Rerank: weight of BM25 (normalised) next to cosine."
    )
    recency_boost: float = Field(
        0.05, ge=0, le=1, description="Score added for a time window the question names."
    )
    max_per_article: int = Field(
        2, ge=0, le=100, description="Most passages of one article in the top results (0: any)."
    )
    copy_overlap: float = Field(
        1.0,
        ge=0.1,
        le=1,
        description="Passages sharing at least this share of their word 5-grams are copies; "
        "only the first is kept (1: only identical text).",
    )
    article_weight: float = Field(
        0.0, ge=0, le=2, description="Rerank: weight of the article's best passages' mean score."
    )
    quiz_forms: bool = Field(
        False,
        description='Search without quiz phrasing ("this week", "which of the following").',
    )


class ReaderSettings(_Section):
    """The reader: a cross-encoder trained here that reads passages against the question."""

    enabled: bool = Field(
        True,
        description="Read the best candidates against the question (rerank, quoted sentence, "
        "declining). false: today's order from cosine and BM25 alone.",
    )
    folder: Path | None = Field(
        None,
        description="A folder with reader.safetensors and reader.json (from `newsdesk train "
        "reader`); default: the weights shipped with newsdesk.",
    )
    if_missing: Literal["error", "fallback"] = Field(
        "error",
        description="When the weights are missing or corrupt: error (refuse to start, naming "
        "the file and the fix) or fallback (log it once and answer without the reader).",
    )
    depth: int = Field(
        8,
        ge=0,
        le=200,
        description="Rerank: top candidates the reader reads for each question (about 30 ms "
        "each on two cores).",
    )
    window_tokens: int = Field(
        64, ge=8, le=200, description="Most word pieces of a passage read at once (a window)."
    )
    rerank_weight: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Rerank: weight of the reader's logit for a passage; 0 (the default) keeps "
        "today's order: 0.05 helped the 2023 split (Hits@1 +0.043) but cost the 2024 one "
        "(-0.026), see docs/reader.md.",
    )
    sentence_weight: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Quoted sentence: weight of the reader's logit for its window.",
    )
    choice_weight: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Multiple choice: weight of the reader's logit for the window of a "
        "sentence naming a choice.",
    )
    confidence_weight: float = Field(
        0.05,
        ge=0,
        le=10,
        description="Declining: weight of the reader's best logit in the confidence.",
    )


class AnswerSettings(_Section):
    """How answers are composed."""

    engine: Literal["extractive", "llm"] = Field(
        "extractive",
        description="extractive: quote the best sentences, no language model; llm: the "
        "configured chat model writes the answer from numbered sources, and every citation "
        "is checked.",
    )
    context_passages: int = Field(
        6, ge=1, le=30, description="Top passages whose sentences are considered for the answer."
    )
    max_sentences: int = Field(3, ge=1, le=10, description="Most sentences quoted in an answer.")
    sentence_limit: int = Field(
        16,
        ge=0,
        le=1000,
        description="Most sentences of the context passages the model scores per question (0: "
        "all); the others are left out by shared words and answer type first.",
    )
    # Both thresholds are calibrated by `newsdesk eval realtimeqa` (pooled threshold that answers
    # at least 85% of answerable questions while declining the most out-of-corpus ones).
    min_relevance: float = Field(
        0.65,
        ge=-1,
        le=3,
        description="Below this evidence confidence the assistant declines to answer.",
    )
    coverage_weight: float = Field(
        0.0,
        ge=0,
        le=3,
        description="Confidence: weight of the share of the question's names and numbers found "
        "in the top three passages.",
    )
    rare_weight: float = Field(
        0.2,
        ge=0,
        le=3,
        description="Confidence: weight of the share of the question's rare words (by rarity in "
        "the library) found in the top three passages; 0 skips the rarity lookup.",
    )
    min_support: float = Field(
        0.34,
        ge=-1,
        le=3,
        description="Multiple choice: below this support for the best choice, decline.",
    )


class LLMSettings(_Section):
    """The chat model used by the ``llm`` engine (and to rewrite follow-up questions)."""

    provider: Literal["none", "openai", "ollama"] = Field(
        "none",
        description="openai: any OpenAI-compatible server (llama.cpp, vLLM, LM Studio, OpenAI); "
        "ollama: an Ollama server; none: no language model.",
    )
    base_url: str | None = Field(
        None,
        description="Server address, e.g. http://127.0.0.1:8080/v1 (OpenAI-compatible) or "
        "http://127.0.0.1:11434 (Ollama).",
    )
    model: str | None = Field(None, description="Model name as the server knows it.")
    api_key: SecretStr | None = Field(None, description="API key, if the server needs one.")
    temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(400, ge=16, le=8192, description="Longest answer, in tokens.")
    timeout: float = Field(120.0, gt=0, le=3600, description="Seconds to wait for the server.")
    rewrite_followups: bool = Field(
        True, description="Use the model to rewrite follow-up questions (else a rule-based way)."
    )

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_unset(cls, value: Any) -> Any:
        return _unset_if_empty(value)


class ServerSettings(_Section):
    """Where `newsdesk serve` listens."""

    host: str = Field("127.0.0.1", description="Address to bind; loopback by default.")
    port: int = Field(7860, ge=1, le=65535, description="Port for the UI and the API.")
    max_request_mb: float = Field(
        25, gt=0, le=2048, description="Largest request body (uploads included), in MiB."
    )


def _unset_if_empty(value: Any) -> Any:
    """An empty (or blank) secret is no secret: ``NEWSDESK_API_TOKEN=`` means no token."""
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return value


def token_matches(given: str | None, secret: SecretStr | str | None) -> bool:
    """Whether ``given`` is the token ``secret`` (compared in constant time).

    An unset secret (None, empty or blank) asks for nothing: every ``given`` matches.
    """
    secret = _unset_if_empty(secret)
    if secret is None:
        return True
    raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return hmac.compare_digest((given or "").encode(), raw.encode())


def default_home() -> Path:
    """The per-user data directory, e.g. ``~/.local/share/newsdesk`` on Linux."""
    return platformdirs.user_data_path("newsdesk")


class Settings(BaseSettings):
    """Every newsdesk setting, with its environment variable."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    home: Path = Field(default_factory=default_home, description="Where the index lives.")
    chroma_url: str | None = Field(
        None, description="A Chroma server (http://host:port) instead of the embedded store."
    )
    catalog_url: SecretStr | None = Field(
        None,
        description="A PostgreSQL catalog (postgresql://user:password@host:port/db) shared by "
        "several servers, instead of the SQLite file under home; use with chroma_url.",
    )
    api_token: SecretStr | None = Field(
        None,
        description="When set, adding or deleting articles (API and UI) needs this bearer token, "
        "and `newsdesk serve` may bind addresses other than loopback.",
    )
    index: IndexSettings = Field(default_factory=IndexSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    reader: ReaderSettings = Field(default_factory=ReaderSettings)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)

    @field_validator("api_token", "catalog_url", mode="before")
    @classmethod
    def _empty_secret_is_unset(cls, value: Any) -> Any:
        """``NEWSDESK_API_TOKEN=`` means no token; an empty catalog URL means SQLite."""
        return _unset_if_empty(value)


def get_settings(value: Settings | dict[str, Any] | None = None, **overrides: Any) -> Settings:
    """Settings from an object, a dict of overrides, or the environment alone.

    >>> get_settings({"retrieval": {"k": 5}}).retrieval.k
    5
    """
    if isinstance(value, Settings):
        return value.model_copy(update=overrides) if overrides else value
    return Settings(**{**(value or {}), **overrides})
