"""The Timeline tab: passages about a topic in date order, under the Ask tab's filters."""

from __future__ import annotations

import gradio as gr

from assistant.errors import AssistantError
from assistant.present import chat as views
from assistant.present.markdown import timeline_html, timeline_problem
from assistant.service import Assistant


def timeline_tab(assistant: Assistant, filters: list[gr.components.Component]) -> None:
    """Lay out the Timeline tab and connect it; ``filters`` are the Ask tab's filter fields."""
    with gr.Tab("Timeline", id="timeline-tab"):
        with gr.Row():
            topic = gr.Textbox(label="Topic or question", scale=5, elem_id="timeline-topic")
            lay_out = gr.Button("Show timeline", variant="primary", scale=1, elem_id="timeline-go")
        gr.Markdown(
            'Uses the filters of the Ask tab, "Ask as of" included; times and outlets named '
            "in the topic are read as in a question. Event dates come from the text when it "
            "states one; otherwise the publication date orders the passage."
        )
        timeline_box = gr.HTML(elem_id="timeline")

    def show_timeline(
        topic: str, outlets: list[str] | None, since: str, until: str, as_of: str = ""
    ) -> str:
        filters, problem = views.parse_filters(outlets, since, until, as_of)
        if filters is None:
            return timeline_problem(problem)
        try:
            return timeline_html(assistant.timeline(topic, filters))
        except AssistantError as e:
            raise gr.Error(str(e)) from e

    lay_out.click(show_timeline, [topic, *filters], timeline_box, api_name="timeline")
    topic.submit(show_timeline, [topic, *filters], timeline_box, api_visibility="undocumented")
