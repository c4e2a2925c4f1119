"""Shared fixtures: heavy models load once per session (STYLE.md §10)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpora" / "seeds"
SAMPLES = ROOT / "corpora" / "samples"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not (SEEDS / "gold.json").exists():
        pytest.skip("../shared/corpora/seeds is not available")
    return SEEDS


@pytest.fixture(scope="session")
def kiwi_tokenizer():
    pytest.importorskip("kiwipiepy")
    from models.tokenize import create_tokenizer

    return create_tokenizer("kiwi")


@pytest.fixture(scope="session")
def mecab_tokenizer():
    pytest.importorskip("mecab_ko")
    from models.tokenize import create_tokenizer

    return create_tokenizer("mecab")


@pytest.fixture(scope="session")
def analyzer():
    """The default pipeline (the shipped NER on its own tokenizer, gazetteer, rules), errors raised."""
    from models.analyse import Analyzer

    return Analyzer(None, "default", errors="raise")


@pytest.fixture(scope="session")
def rules_analyzer():
    """Gazetteer + rules only: deterministic whatever model is shipped."""
    from models.analyse import Analyzer

    return Analyzer("kiwi", "none", errors="raise")


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """A temporary Prefect API for flow tests (session-scoped: it costs seconds)."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    from prefect.testing.utilities import prefect_test_harness

    # a busy 2-core CI machine can take far longer than Prefect's 30 s default to start it
    with prefect_test_harness(server_startup_timeout=180):
        yield
