"""The `newsdesk` commands (ingest, search, ask, timeline, articles, stats, delete, ...).

The `eval` group lives in ``assistant.cli.evaluate``; `serve` and `mcp`, the commands that
serve, in ``assistant.cli.serving``.

The service (and with it numpy, the index and the answer engines) is imported when a command
runs, not at import, so `newsdesk --help` starts in a fraction of the time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.evaluate import evaluate
from assistant.cli.output import (
    as_of_option,
    echo,
    emit_json,
    errors,
    filter_options,
    filters_of,
    invalid_settings,
    progress_bars,
    secho,
)
from assistant.cli.serving import mcp, serve
from assistant.cli.train import train_group

if TYPE_CHECKING:
    from assistant.service import Assistant


@click.group()
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NEWSDESK_HOME",
    help="Index directory [env NEWSDESK_HOME; default: per-user data dir].",
)
@click.version_option(package_name="newsdesk")
@click.pass_context
def cli(ctx: click.Context, home: Path | None) -> None:
    """newsdesk: load news articles, then ask questions answered with cited passages."""
    from pydantic import ValidationError

    from assistant.service import Assistant

    try:
        ctx.obj = Assistant(home=home)
    except ValidationError as e:  # a NEWSDESK_* variable out of range: name it, no traceback
        raise click.ClickException(invalid_settings(e)) from None


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def ingest(assistant: Assistant, inputs: tuple[str, ...], as_json: bool) -> None:
    """Add articles from files, folders, globs, URLs or RSS/Atom feeds.

    Formats: .txt/.md (front matter optional), .html, .pdf, .json/.jsonl article dumps and
    RealTimeQA *_gcs.jsonl. Re-running is safe: unchanged articles are skipped.

    Example: newsdesk ingest ~/articles/ https://example.com/feed.xml
    """
    with errors(), progress_bars(quiet=as_json) as progress:
        report = assistant.ingest(list(inputs), progress=progress)
    if as_json:
        emit_json(report.to_dict())
    else:
        for item in report.items:
            if item.status == "failed":
                where = f"{item.origin}:{item.line}" if item.line else item.origin
                echo(f"failed: {where}: {item.reason}", err=True)
        for path in report.ignored:
            echo(f"ignored (unsupported type): {path}", err=True)
        echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.argument("question")
@click.option("-k", "k", type=click.IntRange(1, 100), default=None, help="Passages to return [10].")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_obj
def search(
    assistant: Assistant, question: str, k: int | None, outlet: tuple[str, ...],
    since: Any, until: Any, as_json: bool,
) -> None:  # fmt: skip
    """Show the passages most relevant to QUESTION, best first.

    Example: newsdesk search "satellite imagery Kleban-Byka" -k 5
    """
    filters = filters_of(outlet, since and since.date(), until and until.date())
    with errors():
        hits = assistant.search(question, k=k, filters=filters)
    if as_json:
        emit_json(
            {
                "question": question,
                "filters": filters.model_dump(mode="json"),
                "hits": [h.model_dump(mode="json") for h in hits],
            }
        )
        return
    for i, hit in enumerate(hits, 1):
        meta = ", ".join(x for x in (hit.outlet, hit.published_at) if x)
        secho(
            f"{i}. {hit.title}" + (f" ({meta})" if meta else "") + f"  score {hit.score:.3f}",
            bold=True,
        )
        echo(
            f"   {hit.article_id} chars {hit.start}-{hit.end}" + (f"  {hit.url}" if hit.url else "")
        )
        echo("   " + " ".join(hit.text.split()))
        echo()


@cli.command()
@click.argument("question")
@filter_options
@click.option("--choice", "choices", multiple=True,
              help="A possible answer (repeat, at least two): multiple choice.")  # fmt: skip
@click.option("--engine", type=click.Choice(["extractive", "llm"]), default=None,
              help="extractive (no model) or llm [env NEWSDESK_ANSWER__ENGINE].")  # fmt: skip
@click.option("--research", is_flag=True,
              help="Check each quote against the other articles.")  # fmt: skip
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_obj
def ask(
    assistant: Assistant, question: str, outlet: tuple[str, ...], since: Any, until: Any,
    choices: tuple[str, ...], engine: str | None, research: bool, as_of: Any, as_json: bool,
) -> None:  # fmt: skip
    """Answer QUESTION from the loaded articles, quoting and citing the passages used.

    Example: newsdesk ask "Who analysed the satellite imagery?"
    """
    from assistant.types import Answer

    filters = filters_of(
        outlet, since and since.date(), until and until.date(), as_of and as_of.date()
    )
    with errors():
        if as_json:
            answer: Answer = assistant.ask(
                question, filters, list(choices) or None, None, engine, research=research
            )
            emit_json(answer.model_dump(mode="json"))
            return
        drafting = (engine or assistant.settings.answer.engine) == "llm"
        items = assistant.stream(
            question, filters, list(choices) or None, None, engine, research=research
        )
        for item in items:
            if isinstance(item, Answer):
                answer = item
            elif drafting:
                echo(item, nl=False, err=True)  # the model's draft, as it is written
    if drafting:
        echo("\n", err=True)
    echo(answer.text)
    for c in answer.citations:
        if c.corroboration is not None:
            echo(f"\n[{c.n}] {c.corroboration.verdict}: {c.quote[:80]}…")
            for e in c.corroboration.supporting:
                echo(f"    supported by {e.outlet or e.title}: {e.quote}")
            for x in c.corroboration.conflicting:
                echo(f"    CONFLICT ({x.reason}) in {x.evidence.outlet or x.evidence.title}: "
                           f"{x.evidence.quote}")  # fmt: skip
            for e in c.corroboration.related:
                click.echo(f"    same topic, no position, {e.outlet or e.title}: {e.quote}")


@cli.command()
@click.argument("topic")
@filter_options
@click.option("-k", "k", type=click.IntRange(1, 100), default=30, help="Passages to consider.")
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.pass_obj
def timeline(
    assistant: Assistant, topic: str, outlet: tuple[str, ...], since: Any, until: Any, k: int,
    as_of: Any, as_json: bool,
) -> None:  # fmt: skip
    """Show what the articles say about TOPIC, oldest first (event dates when stated).

    Example: newsdesk timeline "Iowa caucuses" --since 2024-01-01
    """
    filters = filters_of(
        outlet, since and since.date(), until and until.date(), as_of and as_of.date()
    )
    with errors():
        found = assistant.timeline(topic, filters, k)
    if as_json:
        emit_json(found.model_dump(mode="json"))
        return
    for e in found.events:
        when = e.event_date or (e.published_at or "undated")[:10]
        how = f" ({e.event_words})" if e.event_words else ""
        echo(f"{when}{how}  {e.outlet or e.title}: {' '.join(e.quote.split())}")
    for note in found.notes:
        echo(f"\nNote: {note}")


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@click.pass_obj
def articles(assistant: Assistant, limit: int | None, as_json: bool) -> None:
    """List the indexed articles, most recently added first."""
    with errors():
        found = assistant.articles(limit=limit)
    if as_json:
        emit_json(
            {
                "articles": [
                    a.model_dump(mode="json", exclude={"text"}) | {"outlets": a.outlets}
                    for a in found
                ]
            }
        )
        return
    for a in found:
        meta = ", ".join(x for x in (a.outlet, a.published_at) if x)
        echo(f"{a.id}  {a.title}" + (f"  ({meta})" if meta else ""))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
def stats(assistant: Assistant, as_json: bool) -> None:
    """Counts of articles, passages and outlets, and the date span."""
    with errors():
        figures = assistant.stats()
    if as_json:
        emit_json(figures.model_dump(mode="json"))
        return
    for key, value in figures.model_dump().items():
        echo(f"{key:>16}: {value if value is not None else '-'}")


@cli.command()
@click.argument("article_id")
@click.pass_obj
def delete(assistant: Assistant, article_id: str) -> None:
    """Remove the article ARTICLE_ID and its passages from the index."""
    with errors():
        assistant.delete(article_id)
    echo(f"deleted {article_id}")


@cli.command(name="export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_obj
def export_(assistant: Assistant, path: str) -> None:
    """Write every article, with its metadata and sources, to PATH as JSON lines (- for stdout).

    Example: newsdesk export backup.jsonl   (restore with: newsdesk import backup.jsonl)
    """
    with errors(), click.open_file(path, "w", encoding="utf-8", atomic=path != "-") as out:
        count = assistant.export(out)
    echo(f"exported {count} articles" + (f" to {path}" if path != "-" else ""), err=True)


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def import_(assistant: Assistant, path: str) -> None:
    """Rebuild articles from an export made by `newsdesk export` (passages are re-embedded)."""
    with errors():
        report = assistant.restore(path)
    for item in report.items:
        if item.status == "failed":
            echo(f"failed: {item.origin}:{item.line}: {item.reason}", err=True)
    echo(report.summary())
    if not report.ok:
        sys.exit(1)


cli.add_command(evaluate)
cli.add_command(train_group)
cli.add_command(serve)
cli.add_command(mcp)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsdesk")
