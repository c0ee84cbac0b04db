"""The `newsdesk` command line. The only module that imports click.

The service (and with it numpy, the index and the answer engines) is imported when a command
runs, not at import, so `newsdesk --help` starts in a fraction of the time.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.errors import AssistantError, NotIndexed

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.types import Filters
    from index.types import Hit

# Terminal control: CSI and OSC sequences, other escapes, and C0/C1 control characters (not tab
# or newline). Article titles, text and file names are printed, and an article's author must not
# be able to move the cursor, retitle the window or hide text in someone's terminal.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def plain(text: object) -> str:
    """``text`` without terminal escape sequences or control characters (tab, newline kept)."""
    return _CONTROL.sub("", str(text))


def echo(message: object = "", **kwargs: Any) -> None:
    """``click.echo`` of text with terminal control sequences removed (all output goes here)."""
    click.echo(plain(message), **kwargs)


def secho(message: object = "", **kwargs: Any) -> None:
    """``click.secho`` (styled by us, never by the text) with control sequences removed."""
    click.secho(plain(message), **kwargs)


def _emit_json(value: Any) -> None:
    dumped = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    # json escapes C0 controls itself; C1 ones (U+0080-U+009F) act on some terminals too.
    click.echo(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", dumped))


@contextmanager
def _errors() -> Iterator[None]:
    """Print assistant errors as one readable line and exit 1, never a traceback."""
    try:
        yield
    except AssistantError as e:
        if type(e) is NotIndexed and e.hint is None:
            e.hint = "Add some first: newsdesk ingest PATH|URL ..."
        raise click.ClickException(str(e)) from e


def _filters(outlet: tuple[str, ...], since: date | None, until: date | None) -> Filters:
    from assistant.types import Filters

    try:
        return Filters(outlets=outlet, since=since, until=until)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--since/--until") from e


def _filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before (YYYY-MM-DD)."
    )(func)
    func = click.option(
        "--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after (YYYY-MM-DD)."
    )(func)
    return click.option(
        "--outlet", multiple=True, help="Only this outlet (repeat for several), e.g. cnn.com."
    )(func)


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
    from assistant.service import Assistant

    ctx.obj = Assistant(home=home)


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
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    units = {"inputs": "input", "articles": "article", "passages": "passage"}

    def progress(kind: str, n: int) -> None:
        name = kind.removesuffix("_total")
        if name not in bars:
            bars[name] = tqdm(
                desc=f"{name:>8}", unit=units[name], position=list(units).index(name),
                file=sys.stderr, dynamic_ncols=True, disable=as_json or None,
            )  # fmt: skip
        if kind.endswith("_total"):
            bars[name].total = n
            bars[name].refresh()
        else:
            bars[name].update(n)

    with _errors():
        try:
            report = assistant.ingest(list(inputs), progress=progress)
        finally:
            for bar in bars.values():
                bar.close()
    if as_json:
        _emit_json(report.to_dict())
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


def _hit_json(hit: Hit) -> dict[str, Any]:
    return hit.model_dump(mode="json")


@cli.command()
@click.argument("question")
@click.option("-k", "k", type=click.IntRange(1, 100), default=None, help="Passages to return [10].")
@_filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_obj
def search(
    assistant: Assistant, question: str, k: int | None, outlet: tuple[str, ...],
    since: Any, until: Any, as_json: bool,
) -> None:  # fmt: skip
    """Show the passages most relevant to QUESTION, best first.

    Example: newsdesk search "satellite imagery Kleban-Byka" -k 5
    """
    filters = _filters(outlet, since and since.date(), until and until.date())
    with _errors():
        hits = assistant.search(question, k=k, filters=filters)
    if as_json:
        _emit_json(
            {
                "question": question,
                "filters": filters.model_dump(mode="json"),
                "hits": [_hit_json(h) for h in hits],
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
@_filter_options
@click.option("--choice", "choices", multiple=True,
              help="A possible answer (repeat, at least two): multiple choice.")  # fmt: skip
@click.option("--engine", type=click.Choice(["extractive", "llm"]), default=None,
              help="extractive (no model) or llm [env NEWSDESK_ANSWER__ENGINE].")  # fmt: skip
@click.option("--research", is_flag=True,
              help="Check each quote against the other articles.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.pass_obj
def ask(
    assistant: Assistant, question: str, outlet: tuple[str, ...], since: Any, until: Any,
    choices: tuple[str, ...], engine: str | None, research: bool, as_json: bool,
) -> None:  # fmt: skip
    """Answer QUESTION from the loaded articles, quoting and citing the passages used.

    Example: newsdesk ask "Who analysed the satellite imagery?"
    """
    from assistant.types import Answer

    filters = _filters(outlet, since and since.date(), until and until.date())
    with _errors():
        if as_json:
            answer: Answer = assistant.ask(
                question, filters, list(choices) or None, None, engine, research=research
            )
            _emit_json(answer.model_dump(mode="json"))
            return
        items = assistant.stream(
            question, filters, list(choices) or None, None, engine, research=research
        )
        for item in items:
            if isinstance(item, Answer):
                answer = item
            elif answer_engine(assistant, engine) == "llm":
                echo(item, nl=False, err=True)  # the model's draft, as it is written
    if answer_engine(assistant, engine) == "llm":
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
@_filter_options
@click.option("-k", "k", type=click.IntRange(1, 100), default=30, help="Passages to consider.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@click.pass_obj
def timeline(
    assistant: Assistant, topic: str, outlet: tuple[str, ...], since: Any, until: Any, k: int,
    as_json: bool,
) -> None:  # fmt: skip
    """Show what the articles say about TOPIC, oldest first (event dates when stated).

    Example: newsdesk timeline "Iowa caucuses" --since 2024-01-01
    """
    filters = _filters(outlet, since and since.date(), until and until.date())
    with _errors():
        found = assistant.timeline(topic, filters, k)
    if as_json:
        _emit_json(found.model_dump(mode="json"))
        return
    for e in found.events:
        when = e.event_date or (e.published_at or "undated")[:10]
        how = f" ({e.event_words})" if e.event_words else ""
        echo(f"{when}{how}  {e.outlet or e.title}: {' '.join(e.quote.split())}")


def answer_engine(assistant: Assistant, engine: str | None) -> str:
    """The engine a request will use."""
    return engine or assistant.settings.answer.engine


@cli.command()
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many.")
@click.option("--json", "as_json", is_flag=True, help="Print the articles as JSON.")
@click.pass_obj
def articles(assistant: Assistant, limit: int | None, as_json: bool) -> None:
    """List the indexed articles, most recently added first."""
    with _errors():
        found = assistant.articles(limit=limit)
    if as_json:
        _emit_json(
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
    with _errors():
        figures = assistant.stats()
    if as_json:
        _emit_json(figures.model_dump(mode="json"))
        return
    for key, value in figures.model_dump().items():
        echo(f"{key:>16}: {value if value is not None else '-'}")


@cli.command()
@click.argument("article_id")
@click.pass_obj
def delete(assistant: Assistant, article_id: str) -> None:
    """Remove the article ARTICLE_ID and its passages from the index."""
    with _errors():
        assistant.delete(article_id)
    echo(f"deleted {article_id}")


@cli.command(name="export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.pass_obj
def export_(assistant: Assistant, path: str) -> None:
    """Write every article, with its metadata and sources, to PATH as JSON lines (- for stdout).

    Example: newsdesk export backup.jsonl   (restore with: newsdesk import backup.jsonl)
    """
    with _errors(), click.open_file(path, "w", encoding="utf-8", atomic=path != "-") as out:
        count = assistant.export(out)
    echo(f"exported {count} articles" + (f" to {path}" if path != "-" else ""), err=True)


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def import_(assistant: Assistant, path: str) -> None:
    """Rebuild articles from an export made by `newsdesk export` (passages are re-embedded)."""
    with _errors():
        report = assistant.restore(path)
    for item in report.items:
        if item.status == "failed":
            echo(f"failed: {item.origin}:{item.line}: {item.reason}", err=True)
    echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command()
@click.option("--host", envvar="NEWSDESK_SERVER__HOST", default="127.0.0.1", show_default=True,
              help="Address to bind.")  # fmt: skip
@click.option("--port", envvar="NEWSDESK_SERVER__PORT", type=int, default=7860, show_default=True,
              help="Port to listen on.")  # fmt: skip
@click.pass_obj
def serve(assistant: Assistant, host: str, port: int) -> None:
    """Serve the chat UI at / and the HTTP API at /api on HOST:PORT.

    Binding an address other than loopback needs NEWSDESK_API_TOKEN (a non-empty one):
    adding and deleting articles then require it (API: bearer token; UI: the token field).
    """
    import ipaddress

    import uvicorn

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and assistant.settings.api_token is None:
        raise click.UsageError(
            f"Refusing to serve on {host} without a token: anyone who can reach it could add or "
            "delete articles. Set NEWSDESK_API_TOKEN, or serve on 127.0.0.1."
        )
    from assistant.http.api import create_app
    from assistant.ui import mount_ui

    assistant.clean_uploads()  # folders of uploads a killed server left behind

    _limit_malloc_arenas()
    with _errors():  # bad storage settings stop the server here, before it listens
        assistant.open()
    # In the server, concurrent writes (two people adding articles) wait for each other.
    index = assistant.settings.index
    assistant.settings.index = index.model_copy(update={"lock_wait": max(index.lock_wait, 60)})
    app = mount_ui(create_app(assistant), assistant)
    echo(f"newsdesk: serving {assistant.settings.home} at http://{host}:{port}/", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.group(name="eval")
def evaluate() -> None:
    """Measure retrieval and answers on labelled data sets."""


@evaluate.command(name="realtimeqa")
@click.argument(
    "data_dirs", nargs=-1, required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)  # fmt: skip
@click.option("--weeks", multiple=True, help="Weeks to use, e.g. 20240105 (repeat); default all.")
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the evaluation stores live (reused between runs) [user cache dir].",
)
@click.option("--baselines/--no-baselines", default=True, help="Also run the two baselines.")
@click.option("--ablations", is_flag=True, help="Also measure each retrieval step on and off.")
@click.option("--max-chars", type=click.IntRange(min=200), default=None,
              help="Cut every article to about its first N characters (both systems), to make "
              "the one-time ingest cheaper on a slow machine.")  # fmt: skip
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report to this JSON file.")  # fmt: skip
@click.pass_obj
def eval_realtimeqa(
    assistant: Assistant, data_dirs: tuple[Path, ...], weeks: tuple[str, ...], work: Path | None,
    baselines: bool, ablations: bool, max_chars: int | None, json_out: Path | None,
) -> None:  # fmt: skip
    """Evaluate on RealTimeQA splits: each DATA_DIR holds weeks (*_qa.jsonl + *_gcs.jsonl).

    Reports, per split side by side: Hits@1/5/10 and MRR@10 on the answerable questions for
    newsdesk and the LangChain tutorial pipeline (RecursiveCharacterTextSplitter(1000, 200),
    same model, Chroma), paired differences with bootstrap intervals, the share of quoted
    answers holding the correct choice, multiple-choice accuracy, abstention on out-of-corpus
    questions, and latency.

    Example: newsdesk eval realtimeqa ../shared/data/realtimeqa ../shared/data/realtimeqa-2023
    """
    import platformdirs

    from assistant.evaluation.data import shrink
    from assistant.evaluation.data import weeks as weeks_in
    from assistant.evaluation.realtimeqa import run, run_answers
    from assistant.evaluation.report import format_reports

    work = work or platformdirs.user_cache_path("newsdesk") / "eval-realtimeqa"
    reports: list[dict[str, Any]] = []

    def log(message: str) -> None:
        echo(message, err=True)

    def show() -> None:
        echo(format_reports(reports))
        if json_out:
            json_out.write_text(json.dumps({"splits": reports}, indent=2))
            echo(f"report written to {json_out}", err=True)

    try:
        for data_dir in data_dirs:  # retrieval on every split first: the cheaper figures
            if max_chars:
                chosen = [w for w in weeks_in(data_dir) if not weeks or w in weeks]
                data_dir = shrink(data_dir, chosen, max_chars, work)
            reports.append(
                run(data_dir, work, assistant.settings, list(weeks) or None, baselines,
                    ablations, log=log)
            )  # fmt: skip
        show()
        for report in reports:
            run_answers(report, work, assistant.settings, log=log)
    except (FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    show()


@evaluate.command(name="stance")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", type=click.Choice(["train", "test"]), default="test", show_default=True,
              help="train: FNC-1 train (develop here); test: competition test.")  # fmt: skip
@click.option("--n", "n", type=click.IntRange(4, 100_000), default=400, show_default=True,
              help="Pairs, stratified over the four labels.")  # fmt: skip
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--work", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the embedded sample here and reuse it [user cache dir].")  # fmt: skip
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report to this JSON file.")  # fmt: skip
@click.pass_obj
def eval_stance(
    assistant: Assistant, data_dir: Path, split: str, n: int, seed: int, work: Path | None,
    json_out: Path | None,
) -> None:  # fmt: skip
    """Claim comparison on FNC-1 (headline against body) in DATA_DIR, with two baselines.

    Maps newsdesk's outcomes to FNC labels (conflict -> disagree, corroborates -> agree, same
    topic -> discuss, nothing -> unrelated) and reports the confusion matrix, accuracy, FNC score
    relative to its maximum and the precision of "conflict", next to cosine bands with the same
    embedder and "always discuss" on the same pairs.

    Example: newsdesk eval stance /work/extdata/fnc1 --split test --n 400
    """
    import platformdirs

    from assistant.evaluation.stance import format_report, run

    work = work or platformdirs.user_cache_path("newsdesk") / "eval-stance"
    try:
        report = run(
            data_dir, split, n, seed, assistant.embedder, log=lambda m: click.echo(m, err=True),
            cache=work,
        )  # fmt: skip
    except (FileNotFoundError, KeyError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2))


@evaluate.command(name="attribution")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--split", type=click.Choice(["train", "dev", "test"]), default="test",
              show_default=True, help="PolNeAR split: develop on train/dev, report on test.",
              )  # fmt: skip
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report to this JSON file.")  # fmt: skip
def eval_attribution(data_dir: Path, split: str, json_out: Path | None) -> None:
    """Attribution on PolNeAR in DATA_DIR: speaker precision/recall, anonymous-source flag.

    Example: newsdesk eval attribution /work/extdata/polnear --split test
    """
    from assistant.evaluation.attribution import format_report, run

    try:
        report = run(data_dir, split)
    except FileNotFoundError as e:
        raise click.ClickException(str(e)) from e
    click.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2))


def _limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at 2 (as MALLOC_ARENA_MAX=2 would).

    Many request threads each running the model make glibc keep one arena per thread, and the
    server's memory then creeps up under load (measured: +55 MiB/min with 8 clients; +9 with
    the cap, see benchmarks/load_test.py). No effect off glibc.
    """
    if sys.platform != "linux" or "MALLOC_ARENA_MAX" in os.environ:
        return
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="newsdesk")
