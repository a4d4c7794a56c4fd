"""The whole ``textclean clean`` on hostile JSONL: deep nesting, huge numbers, odd Unicode, wrong types,
broken lines. Whatever the lines, the command exits 0 or 1 without a traceback, every line that is not
blank comes out once (cleaned, in order) or is rejected naming it, and the output is JSON."""
import json
import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textclean.cli import main

CLI_FUZZ_EXAMPLES = int(os.environ.get("TEXTCLEAN_CLI_FUZZ_EXAMPLES", "30"))

unicode_text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
                       max_size=80) | st.sampled_from(
    ["Hikmatyar arrived.\n", "cafÃ© Qalat-i-Naw\r\n", "\ufeff\u200f\u202eمرحبا\x00", "Share\nFacebook\n", "&amp;"])
json_leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
               | unicode_text)
json_values = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(unicode_text, inner, max_size=3), max_leaves=8)


def nested(depth: int, opener: str) -> str:
    closer = {"[": "]", '{"a":': "}"}[opener]
    return opener * depth + "1" + closer * depth


record_lines = st.one_of(
    st.builds(lambda n, text, extra: json.dumps({"n": n, "text": text, **extra}, ensure_ascii=False),
              st.integers(), unicode_text, st.dictionaries(st.sampled_from(["id", "url", "metadata", "tags"]),
                                                           json_values, max_size=3)),
    st.builds(lambda depth, opener: '{"text": "x", "deep": ' + nested(depth, opener) + "}",
              st.integers(1, 1500), st.sampled_from(["[", '{"a":'])),
    st.builds(lambda digits: '{"text": "x", "big": ' + "9" * digits + "}", st.integers(4000, 4600)),
    st.builds(lambda value: '{"text": ' + value + "}", st.sampled_from(
        ["1", "null", "[]", "{}", '"\\ud800"', '"ok", "text": 2', "1e400", "NaN", "-Infinity", '"a\\u0000b"'])),
    st.sampled_from(['[{"text": "x"}]', '"text"', "7", '{"text": "x"} trailing', '{"text": "x"', "{", "\ufeff{}",
                     '{"text": "x", "text": "twice"}', '{"text": "x"}\r', "\x00", '{"text": "\t"}']),
)
raw_lines = st.one_of(record_lines.map(lambda line: line.encode("utf-8", errors="surrogatepass")),
                      st.binary(max_size=40), st.just(b"\xef\xbb\xbf" + b'{"text": "bom"}'))


def strict_json(line):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")
    return json.loads(line, parse_constant=refuse)


@settings(max_examples=CLI_FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(raw_lines.map(lambda raw: raw.replace(b"\n", b" ")), min_size=1, max_size=12))
@example([b'{"text": "x", "deep": ' + b"[" * 985 + b"]" * 985 + b"}", b'{"text": "x", "big": ' + b"7" * 5000 + b"}",
          b'{"text": "Hikmatyar arrived."}'])
def test_clean_on_hostile_jsonl(lines):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        result = CliRunner().invoke(main, ["clean", "-j", "1", "--no-progress", str(folder / "in.jsonl"),
                                           "-o", str(folder / "out.jsonl"), "--rejects", str(folder / "rejects.jsonl")])
        assert result.exit_code in (0, 1), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
        assert "Traceback" not in result.output
        # split at newlines only: str.splitlines would also split at U+0085 or U+2028 inside a string
        written = [strict_json(line) for line in (folder / "out.jsonl").read_text(encoding="utf-8").split("\n")[:-1]]
        rejected = [strict_json(line)["line"] for line in
                    (folder / "rejects.jsonl").read_text(encoding="utf-8").split("\n")[:-1]]
    numbered = [number for number, raw in enumerate(lines, start=1) if raw.strip()]
    kept = [number for number in numbered if number not in rejected]
    assert sorted(rejected) == rejected and set(rejected) <= set(numbered)
    assert len(written) == len(kept)
    assert result.exit_code == (1 if rejected else 0)
    for number, record in zip(kept, written, strict=True):  # each record is its own line's, in order
        source = strict_json(lines[number - 1].decode("utf-8-sig"))
        assert set(source) <= set(record) <= set(source) | {"metadata"}
        assert {key: value for key, value in record.items() if key not in ("text", "metadata")} == {
            key: value for key, value in source.items() if key not in ("text", "metadata")}
