"""`newsdesk train reader`: fine-tune the reader on the RealTimeQA training archive."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli.output import echo


@click.group(name="train")
def train_group() -> None:
    """Train the models newsdesk ships (on this machine's CPU)."""


@train_group.command(name="reader")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option(
    "--work",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reader-training"),
    show_default=True,
    help="Where groups, the checkpoint and the training curve are kept; run the same "
    "command again to resume.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the finished model goes [WORK/model]; assistant/reader/weights to ship it.",
)
@click.option(
    "--steps",
    type=click.IntRange(1),
    default=2400,
    show_default=True,
    help="Training steps (each reads 4 questions x 8 texts).",
)
@click.option("--seed", type=int, default=13, show_default=True, help="Seed (data and model).")
@click.option(
    "--threads",
    type=click.IntRange(0),
    default=0,
    help="Torch threads (0: torch's default, every core).",
)
@click.option(
    "--train-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=1.0,
    show_default=True,
    help="Share of the training groups used, a seeded sample (a data-size study); 1: all.",
)
def train_reader(
    archive: Path,
    work: Path,
    out: Path | None,
    steps: int,
    seed: int,
    threads: int,
    train_share: float,
) -> None:
    """Fine-tune the reader (a cross-encoder) on ARCHIVE, the extracted rtqa-train folder.

    Example: tar xJf ../shared/data/realtimeqa-train.tar.xz -C /tmp &&
    newsdesk train reader /tmp/rtqa-train --work /tmp/reader
    """
    from assistant.reader.model import export
    from assistant.training.card import write_card
    from assistant.training.pairs import ArchiveError, PairSettings
    from assistant.training.reader import TrainSettings, train

    settings = TrainSettings(
        steps=steps,
        seed=seed,
        threads=threads,
        train_share=train_share,
        pairs=PairSettings(seed=seed),
    )
    try:
        checkpoint = train(archive, work, settings, log=lambda m: echo(m, err=True))
    except ArchiveError as e:
        raise click.UsageError(str(e)) from e
    target = out or work / "model"
    card = write_card(work, target)
    export(checkpoint, target, card)
    echo(f"reader written to {target} (model card: {target / 'README.md'})")
