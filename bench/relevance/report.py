"""The markdown report of a run: overall, by kind, the queries without an exact product, the worst."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform

from bench.relevance.judgments import KINDS
from bench.relevance.metrics import K, Summary, summarise
from bench.relevance.run import QueryRun, Run

MARKS = {"exact": "E", "substitute": "S", "complement": "C"}


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def row(name: str, s: Summary) -> str:
    cells = [f"{s.ndcg:.3f}", f"{s.recall:.3f}", f"{s.mrr:.3f}", pct(s.zero_rate), pct(s.under_k_rate)]
    return f"| {name} | " + " | ".join(cells) + " |"


def summaries(runs: list[QueryRun]) -> dict[str, Summary]:
    return {
        "ours": summarise([r.ours for r in runs]),
        "bm25": summarise([r.bm25 for r in runs]),
        "random": summarise([r.random for r in runs]),
    }


def by_kind(run: Run) -> dict[str, list[QueryRun]]:
    groups: dict[str, list[QueryRun]] = {"all": run.queries}
    for kind in KINDS:
        members = [r for r in run.queries if kind in r.query.kinds]
        if members:
            groups[kind] = members
    return groups


def top_titles(run: Run, r: QueryRun, ids: list[int], n: int = 5) -> str:
    if not ids:
        return "(no results)"
    parts = []
    for pid in ids[:n]:
        facts = run.facts.get(pid)
        title = facts.title if facts else f"product {pid}"
        parts.append(f"[{MARKS.get(r.grades.get(pid, ''), '-')}] {title}")
    return "; ".join(parts)


def render(run: Run, *, command: str, worst: int = 15, label: str = "") -> str:
    overall = summaries(run.queries)
    lines = [
        f"# Search relevance ({dt.date.today().isoformat()}, {run.backend} backend)",
        "",
        f"Command: `{command}`",
        "",
        *([f"Code: {label}", ""] if label else []),
        f"Database `{run.database}`: {run.products:,} products, {run.listed:,} listed (what search returns "
        f"and what is judged). {len(run.queries)} judged queries (`bench/relevance/judgments.toml`). "
        f"Ours: `catalog.search.search(SearchQuery(text=...))`, first page ({run.depth} results) as the "
        f"results page asks for it. BM25: one field, k1 1.2, b 0.75, query words OR-ed. Random: the "
        f"products matching any query word in random order, mean of {run.random_samples} orders. "
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; time: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items())
        + ".",
        "",
        f"nDCG@{K}: gains exact 1, substitute 0.1, complement 0.01, ideal from every judged product of the "
        f"catalog. Recall@{K}: exact products in the first {K} / min({K}, exact products). MRR: 1 / rank of "
        f"the first exact product within the first {run.depth} (0 if none). Zero: no result; < {K}: fewer "
        f"than {K} results (the ranker's total).",
        "",
        f"| ranker | nDCG@{K} | recall@{K} | MRR | zero results | < {K} results |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        row(f"ours ({run.backend})", overall["ours"]),
        row("BM25", overall["bm25"]),
        row("random matching", overall["random"]),
        "",
        "By kind (a query counts in its length kind and in each kind it is tagged with); ours / BM25 "
        "(/ random for nDCG):",
        "",
        f"| kind | queries | nDCG@{K} ours / BM25 / random | recall@{K} | MRR | zero results "
        f"| < {K} results |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, members in by_kind(run).items():
        s = summaries(members)
        o, b, x = s["ours"], s["bm25"], s["random"]
        lines.append(
            f"| {kind} | {o.n} | {o.ndcg:.3f} / {b.ndcg:.3f} / {x.ndcg:.3f} "
            f"| {o.recall:.3f} / {b.recall:.3f} "
            f"| {o.mrr:.3f} / {b.mrr:.3f} | {pct(o.zero_rate)} / {pct(b.zero_rate)} "
            f"| {pct(o.under_k_rate)} / {pct(b.under_k_rate)} |"
        )
    lines += ["", "Length kinds: short 1-2 words, medium 3-4, long 5 or more.", ""]
    defects = [r for r in run.queries if r.exact_count == 0]
    errors = [r for r in run.queries if r.error]
    lines.append(
        "Queries without an exact product in this catalog (a defect of the set): "
        + (", ".join(f"`{r.query.text}`" for r in defects) if defects else "none")
        + "."
    )
    if errors:
        lines += ["", "Queries the search raised on:", ""]
        lines += [f"- `{r.query.text}`: {r.error}" for r in errors]
    ranked = sorted(run.queries, key=lambda r: (r.ours.ndcg, -r.bm25.ndcg, r.query.text))[:worst]
    lines += [
        "",
        f"The {len(ranked)} worst queries for ours (by nDCG@{K}); first 5 results, [E]xact, [S]ubstitute, "
        "[C]omplement, [-] irrelevant:",
        "",
    ]
    for n, r in enumerate(ranked, 1):
        kinds = ", ".join(r.query.kinds)
        lines.append(
            f"{n}. `{r.query.text}` ({kinds}): nDCG {r.ours.ndcg:.3f} (BM25 {r.bm25.ndcg:.3f}), "
            f"{r.ours.total:,} results, {r.exact_count} exact in the catalog"
            + (f", did you mean `{r.did_you_mean}`" if r.did_you_mean else "")
            + f". Ours: {top_titles(run, r, r.ours_ids)}. BM25: {top_titles(run, r, r.bm25_ids, 3)}."
        )
    return "\n".join(lines) + "\n"


def per_query_json(run: Run) -> str:
    """One object per query, for comparing two runs query by query."""
    rows = []
    for r in run.queries:
        rows.append(
            {
                "text": r.query.text,
                "kinds": list(r.query.kinds),
                "exact": r.exact_count,
                **{
                    name: {"ndcg": s.ndcg, "recall": s.recall, "rr": s.rr, "total": s.total}
                    for name, s in (("ours", r.ours), ("bm25", r.bm25), ("random", r.random))
                },
                "ours_ids": r.ours_ids[:K],
                "error": r.error,
            }
        )
    return json.dumps(rows, indent=1)
