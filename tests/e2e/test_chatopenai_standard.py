"""LangChain's standard chat-model suite for ChatOpenAI pointed at our /v1, on a real server.

What ChatOpenAI users rely on (invoke, stream, batch, async, conversations, usage metadata,
stop sequences, model override) must work against `newsdesk serve` as against OpenAI. The
features newsdesk does not offer (tool calling, structured output, JSON mode, images, audio,
PDFs) are switched off, so their tests skip.
"""

from __future__ import annotations

import pytest
from langchain_openai import ChatOpenAI
from langchain_tests.integration_tests import ChatModelIntegrationTests

pytestmark = [pytest.mark.slow, pytest.mark.server]


class TestChatOpenAIOnNewsdesk(ChatModelIntegrationTests):
    @pytest.fixture(autouse=True)
    def _server(self, seeded_server: str) -> None:
        type(self).url = seeded_server

    @property
    def chat_model_class(self) -> type[ChatOpenAI]:
        return ChatOpenAI

    @property
    def chat_model_params(self) -> dict:
        return {
            "base_url": f"{self.url}/v1",
            "api_key": "unused",
            "model": "newsdesk",
            "stream_usage": True,
            "max_retries": 0,
        }

    @property
    def model_override_value(self) -> str:
        return "newsdesk-extractive"

    @property
    def has_tool_calling(self) -> bool:
        return False

    @property
    def has_tool_choice(self) -> bool:
        return False

    @property
    def has_structured_output(self) -> bool:
        return False

    @property
    def supports_json_mode(self) -> bool:
        return False

    @property
    def supports_image_inputs(self) -> bool:
        return False

    @property
    def supports_image_urls(self) -> bool:
        return False

    @property
    def supports_pdf_inputs(self) -> bool:
        return False

    @property
    def supports_audio_inputs(self) -> bool:
        return False

    @property
    def supports_image_tool_message(self) -> bool:
        return False

    @property
    def supports_pdf_tool_message(self) -> bool:
        return False

    @property
    def supports_anthropic_inputs(self) -> bool:
        return False

    @property
    def enable_vcr_tests(self) -> bool:
        return False
