"""The ``kornews`` command line: parse arguments, call flows or plain functions, report errors.

Every command is thin: it builds its typed configuration (:mod:`pipeline.config`),
checks what can be checked before anything slow starts, and calls a flow
(:mod:`pipeline.flows`, :mod:`pipeline.serve_flow`, :mod:`pipeline.reprocess`) or a
function. Prefect, Dask and the models are imported inside the commands that need
them, so ``kornews --help`` stays quick. Known errors become one coded line
(:func:`pipeline.options.command_errors`).
"""
from __future__ import annotations

import contextlib
import json
import sys
import threading
import time
from pathlib import Path

import click

from models.defaults import DEFAULT_BATCH_SIZE
from models.errors import Errors, KornewsError
from models.ner import ARCHITECTURES, SELECTIONS
from models.schema import TABLES
from models.tokenize import BACKENDS

from .compaction import DEFAULT_TARGET_ROWS
from .options import (analysis_options, check_tokenizer, command_errors, hold_output, make_config, parse_field_map,
                      quiet_prefect, silence_signal_crashes)


class LazyGroup(click.Group):
    """A click group whose heavy commands (Prefect, Dask) are imported only when run.

    ``kornews --help`` and ``kornews tag`` should not pay for importing Prefect's
    server stack; the lazy commands' one-line help is given here.
    """

    LAZY = {
        "report": ("pipeline.report", "report_command", "Write one self-contained HTML page about an output folder."),
        "models": ("pipeline.basemodels", "models_group",
                   "Fetch base models for training: `kornews models base e5-small [--prune]`."),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx: click.Context, name: str):
        if name in self.LAZY and name not in self.commands:
            import importlib

            module, attr, _ = self.LAZY[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            if name in self.LAZY and name not in self.commands:
                rows.append((name, self.LAZY[name][2]))
            else:
                rows.append((name, self.commands[name].get_short_help_str(formatter.width - 6 - len(name))))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option(package_name="kornews")
def cli() -> None:
    """kornews: Korean press articles → organizations, venues, paper counts and investments in Parquet."""


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option("--out", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (one Parquet dataset per table).")
@analysis_options
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, type=click.IntRange(1, 10_000),
              help="Articles per batch.")
@click.option("--field-map", default=None,
              help='JSON key mapping, e.g. \'{"text": ["본문"], "publisher": ["언론사"]}\'. Fields: title, text, '
                   'published_at, url, publisher.')
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option("--dry-run", is_flag=True, help="Print sample extractions of the first inputs; write nothing.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's task logs.")
def run(inputs, out, tokenizer, ner, device, max_article_chars, batch_size, field_map, no_progress, dry_run, verbose):
    """Run the main job: ingest INPUTS (files, folders, globs, archives), extract, write Parquet.

    With no INPUTS it runs on the sample corpus in corpora/samples.

    Example:

    \b
        kornews run ../shared/corpora/seeds/*.txt --out out/seeds
    """
    quiet_prefect(verbose)
    from .config import PipelineConfig

    kwargs = dict(out=out, tokenizer=tokenizer, ner=ner, device=device, max_article_chars=max_article_chars,
                  batch_size=batch_size, progress=not no_progress)
    if inputs:
        kwargs["inputs"] = list(inputs)
    if field_map:
        kwargs["field_map"] = parse_field_map(field_map)
    config = make_config(PipelineConfig, **kwargs)
    check_tokenizer(config)  # a tokenizer the model refuses: said before anything loads
    missing = missing_inputs(config.inputs)
    if missing and len(missing) == len(config.inputs):
        raise click.ClickException(_missing_message(missing, config.inputs, wrote=False))
    with command_errors():
        if dry_run:
            _dry_run(config)
            return
        with contextlib.ExitStack() as stack:
            hold_output(config.out_path, stack)  # refused at once, not after Prefect's start-up
            from .flows import run_flow
            from .progress import print_summary
            from .server import flush_api_logs, prefect_api

            # the models load while Prefect's API server starts (a child process): ~4 s saved
            loader = threading.Thread(target=_preload, args=(config,), name="kornews-preload", daemon=True)
            loader.start()
            stack.enter_context(prefect_api())
            silence_signal_crashes()
            # runs before the API server stops: the run's logs reach it, and nothing is left
            # to print "Error logging to API" after the command's last line
            stack.callback(flush_api_logs)
            loader.join()
            summary = run_flow(config)
        stopped = summary.pop("stopped", None)
        if stopped is not None:
            raise click.ClickException(stopped)
        print_summary(summary)
        click.echo(f"kornews: output in {config.out_path.resolve()}", err=True)
        if missing:
            raise click.ClickException(_missing_message(missing, config.inputs, wrote=True))
        if not summary.get("articles") and not summary.get("duplicates_skipped"):
            raise click.ClickException(_no_article_message(config, summary.get("run_id")))


def missing_inputs(inputs) -> list[str]:
    """The named inputs (not glob patterns) that do not exist."""
    import glob as globmod
    import os

    return [str(i) for i in inputs if not globmod.has_magic(str(i)) and not os.path.lexists(str(i))]


def _missing_message(missing: list[str], inputs, wrote: bool) -> str:
    what = "Input" if len(missing) == 1 else f"{len(missing)} of {len(inputs)} inputs"
    rest = ("the other inputs were read and written" if wrote else "nothing was read and no output was written")
    return Errors.E090.format(what=what, missing=", ".join(missing[:5]) + (" …" if len(missing) > 5 else ""),
                              s="" if len(missing) == 1 else "s", rest=rest)


def _no_article_message(config, run_id) -> str:
    from .store import read_table

    rows = [r for r in read_table(config.out_path, "quarantine", ["source", "error", "run_id"]).to_pylist()
            if r["run_id"] == run_id]
    last = rows[-1] if rows else None
    first = (f"{last['source']}: {last['error'].rstrip('.')}." if last
             else "(none quarantined: the inputs held no file)")
    inputs = ", ".join(str(i) for i in config.inputs[:3]) + (" …" if len(config.inputs) > 3 else "")
    return Errors.E091.format(inputs=inputs, n=len(rows), first=first, out=config.out_path)



def _preload(config) -> None:
    """Load the analyzer :func:`~pipeline.flows.run_flow` will use (cached per process).

    A failure is left for the flow, which loads again and reports it.
    """
    from models.analyse import get_analyzer

    try:
        get_analyzer(*config.analyzer_key())
    except Exception:  # noqa: BLE001 - reported by the flow's own load
        pass


def _dry_run(config) -> None:
    from itertools import islice

    from models.analyse import get_analyzer
    from .ingest import iter_articles
    from models.schema import RawArticle
    from .store import utcnow
    from .batch import ingest_config

    analyzer = get_analyzer(*config.analyzer_key())
    raws = [r for r in islice(iter_articles(config.inputs, ingest_config(config)), 5) if isinstance(r, RawArticle)]
    records = analyzer.process(raws, "dry-run", utcnow())
    for p in records.paper_counts:
        click.echo(f"paper_count  {p.org!s:12} {p.count!s:>5} {list(p.venues)}  {p.count_text}")
    for i in records.investments:
        click.echo(f"investment   {i.investor!s:12} {i.amount_text}  krw={i.amount_krw_low}..{i.amount_krw_high}")
    click.echo(f"Would write {len(records.articles)} articles, {len(records.entities)} entities, "
               f"{len(records.paper_counts)} paper counts, {len(records.investments)} investments "
               f"(from the first {len(raws)} inputs).")


@cli.command()
@click.option("--input", "input_path", default="-", show_default=True,
              type=click.Path(exists=True, dir_okay=False, allow_dash=True),
              help='JSONL, one {"id": ..., "text": ...} per line ("-" for stdin).')
@click.option("--output", "output_path", default="-", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True),
              help='JSONL, one {"id": ..., "entities": [...]} per line ("-" for stdout).')
@analysis_options
@click.option("--batch-size", default=128, show_default=True, type=click.IntRange(1, 100_000))
def tag(input_path, output_path, tokenizer, ner, device, max_article_chars, batch_size):
    """Tag sentences or paragraphs: entities with exact offsets, canonical names and MONEY norms.

    Streams: lines are read, tagged and written in batches. A line is a JSON
    object with a string "text" (and an "id"), or a plain sentence (its id is
    its line number). A line that cannot be read, or whose analysis fails, gets
    an output line with "error" and an empty entity list, and is reported on
    stderr; when no line could be tagged the command exits 1.

    Example:

    \b
        echo '네이버 클로바는 뉴립스에서 논문 12편을 발표했다.' | kornews tag
        kornews tag --input sents.jsonl --output tagged.jsonl
    """
    from .config import AnalysisConfig

    config = make_config(AnalysisConfig, tokenizer=tokenizer, ner=ner, device=device,
                         max_article_chars=max_article_chars)
    check_tokenizer(config)
    with command_errors(), contextlib.ExitStack() as stack:
        from .tagging import tag_stream

        fin = sys.stdin.buffer if input_path == "-" else stack.enter_context(open(input_path, "rb"))
        if output_path == "-":
            fout = sys.stdout
        else:  # written beside the output and renamed when complete: never a partial file
            target = Path(output_path)
            tmp = target.with_name(f".{target.name}.tmp")
            stack.callback(tmp.unlink, missing_ok=True)
            fout = stack.enter_context(open(tmp, "w", encoding="utf-8"))
        stats = tag_stream(fin, fout, analyzer_key=config.analyzer_key(), batch_size=batch_size)
        if output_path != "-":
            fout.close()
            tmp.replace(target)
    click.echo(f"tagged {stats['lines']} lines, {stats['entities']} entities, {stats['errors']} bad lines", err=True)
    if stats["lines"] and stats["errors"] == stats["lines"]:
        raise click.ClickException(Errors.E092.format(n=stats["lines"],
                                                      source="standard input" if input_path == "-" else input_path))


@cli.command()
@click.option("--out", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of kornews run / serve / reprocess.")
@click.option("--rebuild", is_flag=True, help="Recompute every fact from the mention tables first.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(0, 100_000),
              help="How many facts to list, the most reported first.")
def facts(out, rebuild, top):
    """The facts table: what several articles report as one fact, with its sources.

    run, serve and reprocess keep OUT/facts up to date; --rebuild recomputes it
    from the mention tables (the same rows as the incremental path).

    Example:

    \b
        kornews facts --out out
        kornews facts --out out --rebuild --top 50
    """
    from .facts import read_facts, rebuild_facts
    from .store import check_kornews_output, OutputLock

    with command_errors(), contextlib.ExitStack() as stack:
        check_kornews_output(Path(out))
        if rebuild:
            stack.enter_context(OutputLock(Path(out)))
            n = rebuild_facts(Path(out))
            click.echo(f"kornews: {n} facts rebuilt in {Path(out).resolve() / 'facts'}", err=True)
        rows = sorted(read_facts(Path(out)).to_pylist(), key=lambda f: (-f["n_sources"], f["fact_id"]))
        for f in rows[:top]:
            what = (f"{f['org']} {'/'.join(f['venues']) or '-'} {f['year'] or '?'}: {f['value_text']}"
                    if f["kind"] == "paper_count" else f"{f['investor']} → {f['recipient'] or '?'} "
                    f"{f['month'] or '?'}: {f['value_text']}")
            flag = " CONFLICT" if f["conflict"] else ""
            click.echo(f"{f['n_sources']:>3} source(s){flag}  {what}  [{', '.join(f['publishers']) or '-'}]")


@cli.command(name="eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--pred", "pred_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of a kornews run over the gold's articles.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--details", is_flag=True, help="List misses and false positives per article.")
def eval_(gold_path, pred_dir, as_json, details):
    """Score a run against a gold file (format: ../shared/corpora/seeds/gold.json).

    Exits 1 with a coded error when the run holds none of the gold's articles
    (a run of other files); otherwise the report says how many it holds.

    Example:

    \b
        kornews run ../shared/corpora/seeds --out out/seeds
        kornews eval --gold ../shared/corpora/seeds/gold.json --pred out/seeds
    """
    from .evaluate import evaluate, format_report

    try:
        report = evaluate(Path(gold_path), Path(pred_dir))
    except KornewsError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, details=details))


def _default_train_data() -> str:
    from models import corpora_dir

    return str(corpora_dir().parent.parent / "shared" / "corpora" / "ner" / "train.jsonl")


@cli.command()
@click.option("--backend", type=click.Choice(["spacy", "transformers", "orgs"]), default="spacy", show_default=True,
              help="spacy: the shipped CNN model; transformers: fine-tune a local Hugging Face checkpoint; "
                   "orgs: the article-level organization decision, on our own article gold (corpora/dev, "
                   "corpora/gold/wikinews_orgs.json).")
@click.option("--data", "data_path", default=_default_train_data, show_default="../shared/corpora/ner/train.jsonl",
              type=click.Path(exists=True, dir_okay=False), help="NER JSONL: {id, text, entities: [[start, end, label]]}.")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="Output folder. Default: a new folder, runs/ner-BACKEND-YYYYmmdd-HHMMSS.")
@click.option("--replace-shipped", is_flag=True,
              help="Let --out name a shipped model folder (models/ner/weights, models/ner/accurate) and replace it.")
@click.option("--base", "base_path", default=None, type=click.Path(exists=True, file_okay=False),
              help="transformers: the local checkpoint to fine-tune (e.g. a KLUE-RoBERTa directory).")
@click.option("--tokenizer", default="mecab", show_default=True, type=click.Choice(BACKENDS),
              help="spacy: tokenizer backend the model is trained on (and will run on).")
@click.option("--max-minutes", default=25.0, show_default=True, help="spacy: wall-clock budget.")
@click.option("--arch", type=click.Choice(ARCHITECTURES), default="tagger", show_default=True,
              help="spacy: BILUO softmax tagger (fast) or spaCy's transition-based ner; both over the same CNN.")
@click.option("--lexicon/--no-lexicon", default=True, show_default=True,
              help="spacy: mark known organization and place names (corpora/lexicon) as a model feature.")
@click.option("--select", type=click.Choice(SELECTIONS), default="org_money", show_default=True,
              help="spacy: dev score that picks the checkpoint (mean ORG and MONEY F1, or micro F1).")
@click.option("--epochs", default=1, show_default=True, help="transformers: epochs.")
@click.option("--max-steps", default=None, type=int, help="transformers: stop after this many steps.")
@click.option("--seed", default=0, show_default=True, help="Split and shuffling seed.")
def train(backend, data_path, out_dir, replace_shipped, base_path, tokenizer, max_minutes, arch, lexicon, select,
          epochs, max_steps, seed):
    """Train the NER model on KMOU-style data, split by document, and write metrics.json.

    Writes a new folder by default and never replaces a shipped model unless
    --replace-shipped is given. The spaCy model shipped in models/ner/weights
    is reproduced by the second example (the best checkpoint comes ~12 minutes
    in; the 25-minute budget is the default).

    Example:

    \b
        kornews train --data ../shared/corpora/ner/train.jsonl
        kornews train --out models/ner/weights --replace-shipped
        kornews train --backend transformers --base ~/klue-roberta-base --out models/ner/hf
        kornews train --backend orgs --out models/orgs --replace-shipped
    """
    from .config import train_out

    out = str(train_out(out_dir, backend, replace_shipped))
    try:
        if backend == "orgs":
            from .orgtrain import train_org_decision

            weights = train_org_decision(Path(out) / "decision.json", log=click.echo, seed=seed)
            click.echo(f"5-fold CV F1 {weights['cv_f1']:.3f}, threshold {weights['threshold']:.2f}; "
                       f"decision written to {Path(out) / 'decision.json'}")
            return
        if backend == "spacy":
            from models.ner.train import train_ner

            metrics = train_ner(data_path, out, backend=tokenizer, seed=seed, max_minutes=max_minutes, arch=arch,
                                lexicon=lexicon, select=select, log=click.echo)
        else:
            if not base_path:
                raise click.UsageError(Errors.E086)
            from models.ner.train_hf import train_hf

            metrics = train_hf(data_path, base_path, out, epochs=epochs, max_steps=max_steps, seed=seed,
                               log=click.echo)
    except KornewsError as e:
        raise click.ClickException(str(e)) from None
    dev = metrics.get("dev", {})
    for label in ("ORG", "PER", "LOC", "DATE", "MONEY"):
        if label in dev:
            click.echo(f"{label:6} P {dev[label].get('p', 0):.3f} R {dev[label].get('r', 0):.3f} "
                       f"F1 {dev[label].get('f', 0):.3f}")
    click.echo(f"model written to {out}")


@cli.command()
@click.option("--inbox", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Inbox folder (repeatable); every file dropped in is ingested once.")
@click.option("--feed", "feeds", multiple=True, help="RSS 2.0 or Atom feed URL (repeatable).")
@click.option("--out", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (Parquet tables; state in OUT/_state).")
@click.option("--cron", default=None, help="Cron schedule, e.g. '*/15 * * * *'.")
@click.option("--interval", type=click.FloatRange(min=1, min_open=False), default=None,
              help="Seconds between runs.")
@click.option("--once", is_flag=True, help="Run the ingest flow once, now, without a schedule or server.")
@click.option("--name", default="kornews-ingest", show_default=True, help="Deployment name.")
@analysis_options
@click.option("--min-interval", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between two requests to the same host.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds per HTTP connect/read.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Retries of a failed feed or page fetch (back-off 2, 10, 30 s).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Let a feed's links reach HOST at any address, private ones included (repeatable).")
@click.option("--allow-private-links", is_flag=True,
              help="Let a feed's links reach loopback, private and link-local addresses (intranet feeds only).")
@click.option("--settle", default=2.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds an inbox file must be left unchanged before it is read.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's task logs.")
def serve(inbox, feeds, out, cron, interval, once, name, tokenizer, ner, device, max_article_chars, min_interval,
          timeout, retries, allow_hosts, allow_private_links, settle, verbose):
    """Serve scheduled ingestion of inbox folders and RSS/Atom feeds as a Prefect deployment.

    Each inbox file is read once; each feed is polled with conditional GET and
    each new article page fetched once (robots.txt, per-host rate limit,
    retries). Articles already in OUT are never processed again. Without
    PREFECT_API_URL a local Prefect server is started (127.0.0.1) and stopped
    on exit.

    Example:

    \b
        kornews serve --inbox inbox/ --feed https://news.example.kr/rss.xml --out out --interval 300
        kornews serve --inbox inbox/ --out out --cron '*/15 * * * *'
        kornews serve --inbox inbox/ --out out --once
    """
    if not inbox and not feeds:
        raise click.UsageError(Errors.E084.format(detail="Give at least one --inbox folder or --feed URL."))
    if once and (cron or interval):
        raise click.UsageError(Errors.E084.format(detail="--once runs a single time now; it takes no --cron or "
                                                         "--interval."))
    if not once and (cron is None) == (interval is None):
        raise click.UsageError(Errors.E084.format(detail="Give exactly one of --cron or --interval (or --once to "
                                                         "run a single time)."))
    quiet_prefect(verbose)
    if cron is not None:
        from .serve_flow import check_cron

        check_cron(cron)
    from .config import ServeConfig

    config = make_config(ServeConfig, inbox=[str(Path(p).resolve()) for p in inbox], feeds=list(feeds),
                         out=str(Path(out).resolve()), tokenizer=tokenizer, ner=ner, device=device,
                         max_article_chars=max_article_chars, min_interval=min_interval, timeout=timeout,
                         fetch_retries=retries, settle_seconds=settle, allow_hosts=list(allow_hosts),
                         allow_private_links=allow_private_links)
    check_tokenizer(config)
    with command_errors():
        from .store import check_output_dir

        check_output_dir(Path(config.out))
        if once:
            from .serve_flow import ingest_flow

            from .server import prefect_api

            with prefect_api():
                summary = ingest_flow(config)
            click.echo(" ".join(f"{k}={v}" for k, v in summary.items()))
            return
        from .serve_flow import serve_deployment

        try:
            serve_deployment(config, name=name, cron=cron, interval=interval)
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder (one Parquet dataset per table).")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Local worker processes [default: CPU count]. Ignored with --dask-address.")
@click.option("--dask-address", default=None, help="Dask scheduler, e.g. tcp://127.0.0.1:8786 (default: local processes).")
@analysis_options
@click.option("--chunk-size", default=200, show_default=True, type=click.IntRange(1, 10_000),
              help="Articles per parallel task.")
@click.option("--field-map", default=None, help='JSON key mapping, e.g. \'{"text": ["본문"]}\'.')
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's task logs.")
def reprocess(inputs, out, workers, dask_address, tokenizer, ner, device, max_article_chars, chunk_size, field_map,
              no_progress, verbose):
    """Reprocess ARCHIVE... in parallel: the rows equal a sequential `kornews run` of the same input.

    Runs on local processes by default, or on a Dask cluster with
    --dask-address. Prefect task runs report to PREFECT_API_URL when set,
    else to a local `prefect server start` that lives as long as the command.

    Example:

    \b
        kornews reprocess archive-2023.jsonl.gz archive-2024.zip --out out --workers 4
        kornews reprocess archive.jsonl.gz --out out --dask-address tcp://127.0.0.1:8786
    """
    quiet_prefect(verbose)
    kwargs = dict(inputs=list(inputs), out=out, tokenizer=tokenizer, ner=ner, device=device,
                  max_article_chars=max_article_chars, chunk_size=chunk_size, dask_address=dask_address,
                  progress=not no_progress)
    if workers:
        kwargs["workers"] = workers
    if field_map:
        kwargs["field_map"] = parse_field_map(field_map)
    from .config import ReprocessConfig

    config = make_config(ReprocessConfig, **kwargs)
    check_tokenizer(config)
    with command_errors():
        with contextlib.ExitStack() as stack:
            hold_output(config.out_path, stack)  # refused at once, before a server is started
            from .reprocess import run_reprocess

            summary = run_reprocess(config)
    from .progress import print_summary

    print_summary({k: v for k, v in summary.items() if not isinstance(v, list)})


@cli.command()
@click.option("--out", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of kornews run / reprocess.")
@click.option("--table", "tables", multiple=True, type=click.Choice(TABLES),
              help="Table to compact (repeatable; default: all).")
@click.option("--target-rows", default=DEFAULT_TARGET_ROWS, show_default=True, type=click.IntRange(1),
              help="Rows per merged file.")
@click.option("--dry-run", is_flag=True, help="Print how many files would remain; change nothing.")
def compact(out, tables, target_rows, dry_run):
    """Merge the small Parquet files of each partition into files of about --target-rows rows.

    No row changes. Each partition is swapped atomically (readers see the old
    files or the new ones, never both), under the output folder's lock.

    Example:

    \b
        kornews compact --out out --target-rows 262144
    """
    from .compaction import compact as compact_output
    from .store import OutputLock, check_kornews_output, prepare_output

    with command_errors():
        check_kornews_output(Path(out))  # before the lock file is created there
        try:
            with OutputLock(Path(out)):
                if not dry_run:
                    prepare_output(Path(out))
                stats = compact_output(Path(out), list(tables) or None, target_rows, dry_run)
        except ValueError as e:
            raise click.ClickException(str(e)) from None
    verb = "would leave" if dry_run else "left"
    for s in stats:
        click.echo(f"{s.table:13} {s.partitions:4} partitions  {s.files_before:6} files → {verb} "
                   f"{s.files_after:6}  ({s.rows:,} rows)")


@cli.command()
@click.option("--port", default=4200, show_default=True, type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")
def ui(port):
    """Open Prefect's UI on the runs of `kornews run` and `kornews reprocess` (until Ctrl-C).

    Both record their flow runs, task runs and artifacts in the database of
    PREFECT_HOME (default ~/.prefect); this serves it on 127.0.0.1. With
    PREFECT_API_URL set, open that server's UI instead.

    Example:

    \b
        kornews run --out out
        kornews ui --port 4200
    """
    from .server import local_prefect_server, prefect_home

    quiet_prefect(False)
    home = prefect_home()
    with command_errors(), local_prefect_server(home=home, port=port, log_path=home / "kornews-ui.log", ui=True):
        click.echo(f"Prefect UI: http://127.0.0.1:{port} (runs in {home}); Ctrl-C stops it.", err=True)
        while True:
            time.sleep(3600)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
