"""``python -m assistant.ui``: the UI alone on 127.0.0.1 (``newsdesk serve`` adds the API)."""

from assistant.service import Assistant
from assistant.ui import CSS, build_ui

build_ui(Assistant()).launch(server_name="127.0.0.1", css=CSS)
