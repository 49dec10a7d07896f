"""How exports are read: compressed ones transparently, a growing one refused, the bytes read
as the feed's identity, and a hint when an export looks like another source's format."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest
import zstandard

from helpers import EXAMPLES, poslink, storehelp
from helpers.faults import PAUSING, start, wait_for
from helpers.storehelp import store_rows
from poslink.exceptions import InputChanged, InputError
from poslink.sources.reading import InputTrail, open_input
from poslink.sources.sniff import DELIMITED, JSON_ARRAY, JSON_LINES, JSON_OBJECT, guess_format

JANE = EXAMPLES / "jane"
CATALOG = storehelp.EXAMPLE_CATALOG
# (how the run reads it, the export): each runs plain, gzip'd and zstd'd.
EXPORTS = [
    ((), JANE / "pos.json"),
    (("--config", JANE / "csv.toml"), JANE / "pos.csv"),
    (("--config", JANE / "menu.toml"), JANE / "menu.json"),
]


def compress(kind: str, src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    packed = gzip.compress(data) if kind == "gzip" else zstandard.ZstdCompressor().compress(data)
    dst.write_bytes(packed)
    return dst


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
@pytest.mark.parametrize(("how", "export"), EXPORTS, ids=["jane-json", "csv", "menu"])
def test_compressed_exports_are_read_as_the_plain_ones(
    tmp_path: Path, kind: str, how: tuple[str | Path, ...], export: Path
) -> None:
    # A name that does not say it: the first bytes do.
    packed = compress(kind, export, tmp_path / f"feed{export.suffix}")
    for pos, out in ((export, "plain.csv"), (packed, "packed.csv")):
        done = poslink("run", *how, "--pos", pos, "--catalog", CATALOG, "--out", tmp_path / out)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "packed.csv").read_bytes() == (tmp_path / "plain.csv").read_bytes()


def test_a_damaged_compressed_export_is_one_line_exit_3(tmp_path: Path) -> None:
    whole = gzip.compress(storehelp.EXAMPLE_POS.read_bytes())
    pos = tmp_path / "pos.json"
    pos.write_bytes(whole[: len(whole) // 2])  # cut short
    result = poslink("run", "--pos", pos, "--catalog", CATALOG, "--out", tmp_path / "o.csv")
    assert result.returncode == 3, result.stderr
    assert "not a valid gzip file" in result.stderr and str(pos) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "o.csv").exists()


def jsonl_feed(count: int) -> bytes:
    """``count`` JSON Lines records: a cut at a line's end leaves a valid, shorter feed."""
    record = {"category": "Flower", "productName": "Blue Dream 1g", "quantityAvailable": 1}
    return b"".join(json.dumps({**record, "productId": i}).encode() + b"\n" for i in range(count))


@pytest.mark.parametrize("kind", ["gzip", "zstd"])
def test_a_compressed_export_cut_short_is_refused_not_read_as_a_shorter_feed(
    tmp_path: Path, kind: str
) -> None:
    data = jsonl_feed(2000)
    packed = gzip.compress(data) if kind == "gzip" else zstandard.ZstdCompressor().compress(data)
    pos = tmp_path / "pos.jsonl"
    pos.write_bytes(packed[: len(packed) * 6 // 10])  # a transfer that stopped part way
    out = tmp_path / "o.csv"
    result = poslink("run", "--source", "jsonl", "--pos", pos, "--catalog", CATALOG, "--out", out)
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{pos}: not a valid {kind} file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_zstd_frames_one_after_another_are_one_export(tmp_path: Path) -> None:
    data = jsonl_feed(300)
    packer = zstandard.ZstdCompressor()
    path = tmp_path / "pos.jsonl"
    path.write_bytes(
        b"".join(packer.compress(part) for part in (data[:7], data[7:5000], data[5000:]))
    )
    with open_input(path) as stream:
        assert stream.read() == data
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(packer.compress(data)[:-3])
    with pytest.raises(InputError, match="ends inside a zstd frame"), open_input(cut) as stream:
        stream.read()


def test_reading_never_goes_past_the_first_seen_size(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(b"x" * 100_000)
    trail = InputTrail()
    with open_input(path, trail) as stream:
        assert stream.read(10) == b"x" * 10
        with path.open("ab") as writer:
            writer.write(b"y" * 5_000)  # a writer still at it
        with pytest.raises(InputChanged, match="100,000 bytes when first seen, 105,000 now"):
            stream.read()
    assert trail.digest is None  # no whole read, no identity


def test_the_digest_is_of_the_bytes_read(tmp_path: Path) -> None:
    path = tmp_path / "f.json.gz"
    data = storehelp.EXAMPLE_POS.read_bytes()
    path.write_bytes(gzip.compress(data))
    trail = InputTrail()
    with open_input(path, trail) as stream:
        assert stream.read() == data
    assert trail.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(InputError, match="not a file"):
        open_input(tmp_path)


def grow(path: Path, records: list[dict[str, object]]) -> None:
    """Write more records into a JSON array export, in place (the same file, larger)."""
    with path.open("r+b") as handle:
        handle.seek(-1, os.SEEK_END)  # the closing bracket
        handle.write(("," + json.dumps(records)[1:]).encode())


@pytest.mark.parametrize("with_store", [False, True])
def test_an_export_growing_while_read_is_refused_retryably(
    tmp_path: Path, with_store: bool
) -> None:
    feed = [{**r, "productId": 1000 + i} for i, r in enumerate(storehelp.read_feed() * 4)]
    pos = storehelp.write_feed(tmp_path / "pos.json", feed)
    original = pos.read_bytes()
    out, store = tmp_path / "o.csv", tmp_path / "d.db"
    extra: list[str | Path] = ["--decisions", store] if with_store else []
    ready, go = tmp_path / "ready", tmp_path / "go"
    env = {"POSLINK_TEST_PAUSE_AFTER": "50", "POSLINK_TEST_READY": str(ready),
           "POSLINK_TEST_GO": str(go), "POSLINK_ENGINE_OPTIONS__WORKERS": "1"}  # fmt: skip
    proc = start("run", "--pos", pos, "--catalog", CATALOG, "--out", out, "--engine", PAUSING,
                 *extra, env=env)  # fmt: skip
    wait_for(lambda: ready.exists() or proc.poll() is not None, "the run to pause")
    grow(pos, [{**feed[0], "productId": 99_999}])
    go.touch()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 75, stderr
    assert "changed while it was read" in stderr and not out.exists()
    if with_store:
        assert store_rows(str(store)) == []
    # The export as first seen, run again: the output of exactly those bytes, nothing reused.
    pos.write_bytes(original)
    again = poslink("run", "--pos", pos, "--catalog", CATALOG, "--out", out, *extra)
    assert again.returncode == 0, again.stderr
    assert "116 records" in again.stdout and "earlier output reused" not in again.stdout


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('[{"productId": 1}]', JSON_ARRAY),
        ('\ufeff  [\n{"a": 1}', JSON_ARRAY),
        ('{"productId": 1}\n{"productId": 2}\n', JSON_LINES),
        ('{"products": [\n{"id": 1}\n]}', JSON_OBJECT),
        ("SKU;Product Name;Brand\n1;Gelato;Gold Leaf\n", DELIMITED),
        ("just some words\n", None),
        ("<html><body>,</body></html>", None),
    ],
)
def test_guess_format(text: str, found: str | None) -> None:
    assert guess_format(text) == found


def jsonl(path: Path) -> Path:
    lines = [json.dumps(r) for r in storehelp.read_feed()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("source", "export", "code", "hint"),
    [
        ("jane-json", "jsonl", 3, "this looks like JSON Lines: --source jsonl"),
        ("jane-json", "csv", 3, "this looks like delimited text (CSV): --source csv"),
        ("jsonl", "json", 1, "this looks like a JSON array: --source jane-json"),
    ],
)
def test_an_export_of_another_format_gets_a_hint(
    tmp_path: Path, source: str, export: str, code: int, hint: str
) -> None:
    pos = {
        "jsonl": lambda: jsonl(tmp_path / "feed.txt"),
        "csv": lambda: JANE / "pos.csv",
        "json": lambda: storehelp.EXAMPLE_POS,
    }[export]()
    result = poslink("run", "--source", source, "--pos", pos, "--catalog", CATALOG,
                     "--out", tmp_path / "o.csv")  # fmt: skip
    assert result.returncode == code, result.stderr
    assert hint in result.stderr and "Traceback" not in result.stderr
    # exit 1: the run completed (every record rejected) and wrote its output; else none
    assert (tmp_path / "o.csv").exists() == (code == 1)
