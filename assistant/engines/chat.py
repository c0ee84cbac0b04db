"""The chat model: built from settings through LangChain. The only module naming a provider."""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.errors import ModelUnavailable
from assistant.settings import LLMSettings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def describe(settings: LLMSettings) -> str | None:
    """``provider:model @ url`` for display, or None when no model is configured."""
    if settings.provider == "none":
        return None
    return f"{settings.provider}:{settings.model} @ {settings.base_url or 'default URL'}"


def model_name(model: BaseChatModel) -> str:
    """``kind:model`` for a chat model given directly (not built from settings)."""
    name = getattr(model, "model_name", None) or getattr(model, "model", None)
    kind = getattr(model, "_llm_type", type(model).__name__)
    return f"{kind}:{name}" if isinstance(name, str) else str(kind)


def build_chat_model(settings: LLMSettings) -> BaseChatModel:
    """A LangChain chat model for the configured provider.

    Raises:
        ModelUnavailable: no provider is configured, or its settings are incomplete.
    """
    if settings.provider == "none":
        raise ModelUnavailable(
            "No language model is configured.",
            "Set NEWSDESK_LLM__PROVIDER (openai or ollama), NEWSDESK_LLM__BASE_URL and "
            "NEWSDESK_LLM__MODEL, or use the extractive engine.",
        )
    if not settings.model:
        raise ModelUnavailable("NEWSDESK_LLM__MODEL is not set.", "Name the model to use.")
    if settings.provider == "openai":
        from langchain_openai import ChatOpenAI

        key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
        return ChatOpenAI(
            model=settings.model,
            base_url=settings.base_url,
            api_key=key,  # type: ignore[arg-type]
            temperature=settings.temperature,
            max_completion_tokens=settings.max_tokens,
            timeout=settings.timeout,
            max_retries=1,
        )
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.model,
        base_url=settings.base_url,
        temperature=settings.temperature,
        num_predict=settings.max_tokens,
        client_kwargs={"timeout": settings.timeout},
    )
