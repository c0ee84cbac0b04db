"""What the command line prints: text without terminal control sequences, JSON, errors.

Shared by the commands; with the commands, the only modules that import click.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from assistant.errors import AssistantError, NotIndexed

if TYPE_CHECKING:
    from pydantic import ValidationError

    from assistant.types import Filters

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


def emit_json(value: Any) -> None:
    """Print ``value`` as indented JSON, C1 control characters escaped."""
    dumped = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    # json escapes C0 controls itself; C1 ones (U+0080-U+009F) act on some terminals too.
    click.echo(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", dumped))


@contextmanager
def errors() -> Iterator[None]:
    """Print assistant errors as one readable line and exit 1, never a traceback."""
    try:
        yield
    except AssistantError as e:
        if type(e) is NotIndexed and e.hint is None:
            e.hint = "Add some first: newsdesk ingest PATH|URL ..."
        raise click.ClickException(str(e)) from e


def filters_of(
    outlet: tuple[str, ...], since: date | None, until: date | None, as_of: date | None = None
) -> Filters:
    """The ``Filters`` of the --outlet/--since/--until/--as-of options (bad dates name them)."""
    from assistant.types import Filters

    try:
        return Filters(outlets=outlet, since=since, until=until, as_of=as_of)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--since/--until") from e


def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --outlet, --since and --until to a command."""
    func = click.option(
        "--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before (YYYY-MM-DD)."
    )(func)
    func = click.option(
        "--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after (YYYY-MM-DD)."
    )(func)
    return click.option(
        "--outlet", multiple=True, help="Only this outlet (repeat for several), e.g. cnn.com."
    )(func)


def as_of_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --as-of: the day relative times ("this week") count back from."""
    return click.option(
        "--as-of",
        type=click.DateTime(["%Y-%m-%d"]),
        help="As of this day: 'this week' counts back from it, not from the newest article "
        "(YYYY-MM-DD).",
    )(func)


def invalid_settings(error: ValidationError) -> str:
    """One line naming each ``NEWSDESK_*`` variable the settings refused, and why."""
    return (
        "; ".join(
            f"NEWSDESK_{'__'.join(str(part).upper() for part in err['loc'])}="
            f"{err.get('input')!r}: {err['msg']}"
            for err in error.errors()
        )
        + ". Fix or unset it."
    )


STATES = {
    "queued": "queued: another newsdesk process is adding or deleting articles; waiting for "
    "it to finish (NEWSDESK_INDEX__LOCK_WAIT)",
    "adding": "adding",
}


@contextmanager
def progress_bars(quiet: bool = False) -> Iterator[Callable[[str, int], None]]:
    """Ingest progress as one stderr bar each for inputs, articles and passages.

    Yields the ``progress(kind, n)`` callback the ingest pipeline reports to: ``<name>_total``
    sets a bar's total, ``<name>`` advances it; ``queued`` (another process is writing: this
    ingest waits its turn) and ``adding`` are said in a line. ``quiet`` (``--json``) draws nothing.
    """
    from tqdm import tqdm  # imported when an ingest runs, like the service

    units = {"inputs": "input", "articles": "article", "passages": "passage"}
    bars: dict[str, tqdm] = {}
    said: list[str] = []

    def progress(kind: str, n: int) -> None:
        if kind in STATES:
            if not quiet and (kind == "queued" or said):  # "adding" only after "queued"
                said.append(kind)
                tqdm.write(STATES[kind], file=sys.stderr)
            return
        name = kind.removesuffix("_total")
        if name not in bars:
            bars[name] = tqdm(
                desc=f"{name:>8}", unit=units[name], position=list(units).index(name),
                file=sys.stderr, dynamic_ncols=True, disable=quiet or None,
            )  # fmt: skip
        if kind.endswith("_total"):
            bars[name].total = n
            bars[name].refresh()
        else:
            bars[name].update(n)

    try:
        yield progress
    finally:
        for bar in bars.values():
            bar.close()
