"""The evaluation report as text: splits side by side, newsdesk against the tutorial pipeline."""

from __future__ import annotations

from typing import Any

from assistant.evaluation.metrics import rates

METRICS = ("hits@1", "hits@5", "hits@10", "mrr@10")


def _row(label: str, values: list[str], width: int) -> str:
    return f"{label:<34}" + "".join(f"{v:>{width}}" for v in values)


def format_reports(reports: list[dict[str, Any]]) -> str:
    """One table with a column per split (e.g. the tuning and the confirmation weeks)."""
    width = max(24, *(len(r["split"]) + 2 for r in reports))
    lines = [
        _row("", [r["split"] for r in reports], width),
        _row("weeks", [f"{r['weeks'][0]}..{r['weeks'][-1]}" for r in reports], width),
        _row("articles / passages", [f"{r['articles']} / {r['passages']}" for r in reports], width),
        _row("answerable / questions", [f"{r['answerable']} / {r['questions']}" for r in reports],
             width),
    ]  # fmt: skip
    lines += _retrieval(reports, width)
    if not all("answers" in r for r in reports):
        return "\n".join(lines)
    return "\n".join(lines + _answers(reports, width))


def _retrieval(reports: list[dict[str, Any]], width: int) -> list[str]:
    """Hits and MRR per system, paired differences, ablations."""
    lines: list[str] = []
    systems = [
        s
        for s in ("tutorial", "newsdesk", "newsdesk, reader off", "bm25")
        if all(s in r["retrieval"] for r in reports)
    ]
    for system in systems:
        lines.append(f"{system}:")
        for metric in METRICS:
            lines.append(
                _row(f"  {metric}", [f"{r['retrieval'][system][metric]:.3f}" for r in reports],
                     width)
            )  # fmt: skip
        lines.append(
            _row("  search p50 / p95 ms",
                 [f"{r['retrieval'][system]['search_p50_ms']:.0f} / "
                  f"{r['retrieval'][system]['search_p95_ms']:.0f}" for r in reports], width)
        )  # fmt: skip
    for key, title in (("paired", "tutorial"), ("paired_reader", "reader off")):
        if not all(key in r for r in reports):
            continue
        lines.append(f"newsdesk - {title} (bootstrap 95% interval; sign test p):")
        for metric in METRICS:
            cells = []
            for r in reports:
                p = r[key][metric]
                lo, hi = p["ci95"]
                cells.append(f"{p['diff']:+.3f} [{lo:+.3f},{hi:+.3f}] p={p['sign_p']:.2f}")
            lines.append(_row(f"  {metric}", cells, max(width, 36)))
    for r in reports:
        for name, a in r.get("ablations", {}).items():
            lines.append(
                f"  ablation {r['split']} {name}: " + " ".join(f"{m} {a[m]:.3f}" for m in METRICS)
            )
    return lines


def _answers(reports: list[dict[str, Any]], width: int) -> list[str]:
    """Answer-sentence rate, multiple choice, latency and abstention."""
    answers = [r["answers"] for r in reports]
    lines = [
        "extractive answers:",
        _row("  answer-sentence rate", [f"{a['answer_sentence_rate']:.3f}" for a in answers],
             width),
        _row("  multiple-choice accuracy (all)", [f"{a['mc_accuracy']:.3f}" for a in answers],
             width),
        _row("  ask p50 / p95 ms",
             [f"{a['ask_p50_ms']:.0f} / {a['ask_p95_ms']:.0f}" for a in answers], width),
    ]  # fmt: skip
    if all("abstention" in r for r in reports):
        ab = [r["abstention"] for r in reports]
        lines += [
            f"abstention (threshold {ab[0]['threshold']}):",
            _row("  answered in-corpus",
                 [f"{a['answered_answerable']:.3f} of {a['answerable']}" for a in ab], width),
            _row("  declined out-of-corpus",
                 [f"{a['declined_out_of_corpus']:.3f} of {a['out_of_corpus']}" for a in ab],
                 width),
            _row("  threshold fitted here (>=0.9 answered)",
                 [f"{a['calibrated_here']['threshold']}: declines "
                  f"{a['calibrated_here']['declined_out_of_corpus']:.3f}" for a in ab], width),
        ]  # fmt: skip
        lines += _transfer(reports, width)
    return lines


def transferred(reports: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Confidence weights and threshold chosen on the first split, applied to every split.

    On the first (tuning) split: the weights whose fitted threshold answers at least 0.9 of its
    in-corpus questions while declining the most out-of-corpus ones (ties: lighter weights).
    """
    grids = [r["abstention"].get("grid") for r in reports]
    if not all(grids):
        return None
    best = max(grids[0], key=lambda g: (
        g["declined_out_of_corpus"],
        -g["coverage_weight"] - g["rare_weight"] - g.get("reader_weight", 0.0),
    ))  # fmt: skip
    cw, rw, threshold = best["coverage_weight"], best["rare_weight"], best["threshold"]
    dw = best.get("reader_weight", 0.0)
    applied = []
    for r in reports:
        parts = r["abstention"]["parts"]
        inside, outside = ([p[0] + cw * p[1] + rw * p[2] + dw * (p[3] if len(p) > 3 else 0.0)
                            for p in parts[k]]
                           for k in ("answerable", "out_of_corpus"))  # fmt: skip
        applied.append(rates(inside, outside, threshold))
    return {"coverage_weight": cw, "rare_weight": rw, "reader_weight": dw,
            "threshold": threshold, "rates": applied}  # fmt: skip


def _transfer(reports: list[dict[str, Any]], width: int) -> list[str]:
    chosen = transferred(reports)
    if chosen is None:
        return []
    return [
        f"weights chosen on {reports[0]['split']}: coverage {chosen['coverage_weight']}, "
        f"rare words {chosen['rare_weight']}, reader {chosen['reader_weight']}, "
        f"threshold {chosen['threshold']}",
        _row("  answered in-corpus / declined out", [
            f"{a['answered_answerable']:.3f} / {a['declined_out_of_corpus']:.3f}"
            for a in chosen["rates"]], width),
    ]  # fmt: skip
