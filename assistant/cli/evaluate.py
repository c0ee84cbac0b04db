"""`newsdesk eval`: retrieval and answers on RealTimeQA, stance on FNC-1, attribution on PolNeAR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.cli.output import echo

if TYPE_CHECKING:
    from assistant.service import Assistant


@click.group(name="eval")
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
@click.option("--question-dates/--no-question-dates", default=True,
              help="Ask each question as of the day it was asked (its 'this week' counts from "
              "then), not from the newest article.")  # fmt: skip
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full report to this JSON file.")  # fmt: skip
@click.pass_obj
def eval_realtimeqa(
    assistant: Assistant, data_dirs: tuple[Path, ...], weeks: tuple[str, ...], work: Path | None,
    baselines: bool, ablations: bool, max_chars: int | None, question_dates: bool,
    json_out: Path | None,
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
            run_answers(report, work, assistant.settings, log=log, dated=question_dates)
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


@evaluate.command(name="same-fact")
@click.argument(
    "data", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the full report (with every pair newsdesk gets wrong) to this JSON file.",
)
@click.pass_obj
def eval_same_fact(assistant: Assistant, data: Path | None, json_out: Path | None) -> None:
    """The same fact in other words: short reports of one event by several newsrooms.

    DATA is a clusters.jsonl (default: the development set in tests/data/same_fact). Reports
    per-label precision and recall and accuracy for newsdesk's corroboration, the former
    0.70-cosine gate and cosine bands, on the same pairs and embedder in one run.

    Example: newsdesk eval same-fact
    """
    from assistant.evaluation.same_fact import DATA, format_report, run

    try:
        report = run(assistant.embedder, data or DATA, log=lambda m: click.echo(m, err=True))
    except (FileNotFoundError, KeyError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(format_report(report))
    if json_out:
        json_out.write_text(json.dumps(report, indent=2))
