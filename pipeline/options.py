"""What every ``kornews`` command shares: options built from the config, errors, signals.

The analysis options (``--tokenizer``, ``--ner``, ``--device``,
``--max-article-chars``) are made from :class:`pipeline.config.AnalysisConfig`'s
fields, so ``run``, ``tag``, ``serve`` and ``reprocess`` show the same defaults
and help. Failures leave a command the way users expect of a CLI: a bad option
is a usage error (exit 2), an input or output that cannot be used is a one-line
coded error (exit 1), and SIGTERM or Ctrl-C unwinds like an exception (every
``with`` block exits: temp files go, the lock is released, a server we started
stops) and exits 130 (SIGINT) or 143 (SIGTERM).
"""
from __future__ import annotations

import contextlib
import logging
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Callable, Iterator

import click

from models.defaults import DEFAULT_MAX_ARTICLE_CHARS, DEFAULT_NER
from models.errors import Errors, KornewsError
from models.tokenize import BACKENDS

from .config import NER_NAMES, check_ner

#: Exit status after a signal, the shell's convention: 128 + the signal number.
SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


def _ner_value(ctx, param, value):
    try:
        return check_ner(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


def analysis_options(f: Callable) -> Callable:
    """The analysis options every command that analyses text takes."""
    options = [
        click.option("--tokenizer", type=click.Choice(BACKENDS), default=None,
                     help="Morphological tokenizer. Default: the one the NER model was trained on (mecab for the "
                          "shipped model; a spaCy model refuses any other), else kiwi."),
        click.option("--ner", default=DEFAULT_NER, show_default=True, callback=_ner_value,
                     help=f"Statistical NER: {', '.join(NER_NAMES)}, spacy:PATH or hf:PATH (a local checkpoint)."),
        click.option("--device", type=click.Choice(["cpu", "cuda"]), default=None,
                     help="Where a transformer NER (--ner accurate, hf:PATH) runs. Default: CUDA when available."),
        click.option("--max-article-chars", type=click.IntRange(min=2), default=DEFAULT_MAX_ARTICLE_CHARS,
                     show_default=True,
                     help="Longest article analysed; longer ones are quarantined (TooLong), never cut."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def parse_field_map(value: str) -> dict:
    """``--field-map`` JSON → dict, or a usage error naming the option."""
    try:
        mapping = json.loads(value)
    except json.JSONDecodeError as e:
        raise click.BadParameter(Errors.E082.format(detail=e)) from None
    if not isinstance(mapping, dict):
        raise click.BadParameter(Errors.E083.format(kind=type(mapping).__name__))
    return mapping


def make_config(cls, **kwargs):
    """Build a pydantic config from options; invalid values are a usage error (exit 2)."""
    from pydantic import ValidationError

    try:
        return cls(**kwargs)
    except ValidationError as e:
        msgs = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
                         for err in e.errors())
        raise click.UsageError(msgs) from None
    except ValueError as e:
        raise click.UsageError(str(e)) from None


def check_tokenizer(config) -> None:
    """A tokenizer the NER model cannot run on is a usage error (exit 2), said before anything loads."""
    from models.document import resolve_tokenizer
    from models.errors import BackendError

    try:
        resolve_tokenizer(config.ner, config.tokenizer)
    except BackendError as e:
        raise click.UsageError(str(e)) from None


def quiet_prefect(verbose: bool) -> None:
    # Prefect logs every task run at INFO; the progress bar and summary say more, more briefly.
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # The API server starts in ~7-15 s on an idle 2-core machine; Prefect's 20 s
    # default fails runs on a busy one.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


#: The stop signals received while a command runs (see :func:`command_errors`).
_received: list[int] = []


def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    _received.append(signum)
    _silence_prefect()
    raise KeyboardInterrupt(signum)


class _AfterStop(logging.Filter):
    """Drops Prefect's records once the user stopped the command: its "Crash detected!"
    and "Finished in state Crashed" lines say again, as errors, what the one stop line
    says, and sending them to an API that is shutting down prints more noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _received or _stop_seen:
            return False
        try:
            crashed = bool(_SIGNAL_CRASH_RE.search(record.getMessage()))
        except Exception:  # noqa: BLE001 - a record that cannot format is not ours to judge
            return True
        if not crashed and record.exc_info and record.exc_info[1] is not None:
            # "Encountered exception during execution: ValueError('Task run is not set')",
            # raised while Prefect handled the TerminationSignal of a stop
            crashed = _signal_in_chain(record.exc_info[1]) is not None
        if crashed:  # Prefect caught the signal first (it traps SIGTERM while a flow runs)
            _stop_seen.append(True)
            return False
        return True


#: Prefect's words for a run stopped by a signal
_SIGNAL_CRASH_RE = re.compile(r"aborted by an? (?:interrupt|termination) signal")
_stop_seen: list[bool] = []


_AFTER_STOP = _AfterStop()


def silence_signal_crashes() -> None:
    """Install :class:`_AfterStop` on the logging handlers Prefect set up (call after
    Prefect is imported): a stop by a signal is then said in one line, by kornews."""
    _stop_seen.clear()
    _silence_prefect()


def _silence_prefect() -> None:
    """Put :class:`_AfterStop` on every logging handler (Prefect's console and API handlers
    hang on several loggers, the root's included); kornews itself speaks through click."""
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.Logger.manager.loggerDict))]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if _AFTER_STOP not in handler.filters:
                handler.addFilter(_AFTER_STOP)


def _stopped(signum: int) -> None:
    click.echo(f"kornews: stopped by {signal.Signals(signum).name}; nothing partial was left.", err=True)
    sys.exit(SIGNAL_EXIT[signum])


@contextlib.contextmanager
def command_errors() -> Iterator[None]:
    """Turn known errors into one-line messages and signals into a clean exit.

    Kornews errors exit 1 with their coded message; SIGTERM is handled like
    Ctrl-C: the stack unwinds (nothing partial is left behind) and the command
    exits 143 (130 for Ctrl-C) after saying so on stderr. A signal that lands
    inside Prefect's own bookkeeping can come out as another exception (a task
    run interrupted while it is being created raises ``ValueError``): once a stop
    signal was received, whatever ends the command is that stop.
    """
    _received.clear()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    previous_int = signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        yield
    except KornewsError as e:
        if _received:
            _stopped(_received[0])
        raise click.ClickException(str(e)) from None
    except OSError as e:  # an input or output the system refuses: one line, not a traceback
        from models.errors import Errors

        if _received:
            _stopped(_received[0])

        raise click.ClickException(Errors.E080.format(path=e.filename or "a file", detail=e.strerror or e)) from None
    except KeyboardInterrupt as e:
        signum = _received[0] if _received else e.args[0] if e.args and e.args[0] in SIGNAL_EXIT else signal.SIGINT
        _stopped(signum)
    except Exception as e:
        if _received:
            _stopped(_received[0])
        signum = _signal_in_chain(e)
        if signum is not None:
            _stopped(signum)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _signal_in_chain(e: BaseException) -> int | None:
    """The stop signal behind an exception, if any: Prefect traps SIGTERM while a flow
    runs and raises its own ``TerminationSignal``; when that lands while a task run is
    being created, Prefect's crash handling fails in turn (``ValueError: Task run is not
    set``) and the signal is only in the exception's context."""
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if type(cur).__name__ == "TerminationSignal":
            return int(getattr(cur, "signal", signal.SIGTERM))
        if isinstance(cur, KeyboardInterrupt):
            return signal.SIGINT
        cur = cur.__cause__ or cur.__context__
    return None


def hold_output(out: Path, stack: contextlib.ExitStack) -> None:
    """Check ``out`` and take its lock before anything slow starts (Prefect, models).

    Raises:
        OutputError: ``[E045]`` the folder cannot be created or written.
        LockError: ``[E017]`` another run holds it.
    """
    from .store import OutputLock, check_output_dir

    check_output_dir(out)
    stack.enter_context(OutputLock(out, shared=True))
