"""Finding the elements of a JSON array again past a syntax error (`sources.jsonarray`)."""

from __future__ import annotations

import io
import json

import pytest

import bascule.sources.jsonarray as jsonarray
from bascule.sources.jsonarray import Element

DOCS = [
    {"id": str(i), "text": f'post "{i}" \\ , [x] {{y}}', "user": {"tags": [1, {"a": [2]}]}}
    for i in range(60)
] + ["a string, ]", 5, None, [1, 2]]


def _scan(data: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch) -> list[Element]:
    monkeypatch.setattr(jsonarray, "_CHUNK", chunk)
    return list(jsonarray.array_elements(io.BytesIO(data), max_bytes=1 << 20))


@pytest.mark.parametrize("chunk", [1, 7, 64, 8 << 20])
@pytest.mark.parametrize("indent", [None, 0, 2, "lines"])
def test_every_element_of_a_good_array_whatever_its_layout(chunk, indent, monkeypatch) -> None:  # noqa: ANN001
    if indent == "lines":
        data = "[\n" + ",\n".join(json.dumps(d) for d in DOCS) + "\n]\n"
    else:
        data = json.dumps(DOCS, indent=indent)
    got = _scan(data.encode(), chunk, monkeypatch)
    assert [json.loads(e.text) for e in got] == DOCS
    assert [e.number for e in got] == list(range(1, len(DOCS) + 1))
    assert not any(e.broken for e in got)


@pytest.mark.parametrize("chunk", [1, 5, 33, 8 << 20])
def test_an_unclosed_string_loses_only_its_element(chunk, monkeypatch) -> None:  # noqa: ANN001
    lines = [json.dumps({"id": str(i), "text": f"post {i}"}) for i in range(100)]
    lines[40] = '{"id": "40", "text": "broken'
    got = _scan(("[\n" + ",\n".join(lines) + "\n]\n").encode(), chunk, monkeypatch)
    bad = [e for e in got if e.broken]
    assert [(e.number, e.line, e.broken) for e in bad] == [
        (41, 42, "a string is not closed on its line")
    ]
    good = [json.loads(e.text)["id"] for e in got if not e.broken]
    assert good == [str(i) for i in range(100) if i != 40]


@pytest.mark.parametrize("chunk", [3, 50, 8 << 20])
def test_a_missing_brace_ends_its_element_where_the_next_one_opens(chunk, monkeypatch) -> None:  # noqa: ANN001
    lines = json.dumps([{"id": str(i), "user": {"name": "x"}} for i in range(30)], indent=2)
    lines = lines.splitlines()
    at = next(i for i, line in enumerate(lines) if '"id": "10"' in line)
    assert lines[at + 3].strip() == "}"
    del lines[at + 3]  # the user object of element 11 never closes
    got = _scan("\n".join(lines).encode(), chunk, monkeypatch)
    bad = [(e.number, e.broken) for e in got if e.broken]
    assert bad == [(11, "an element does not close before the next one opens")]
    assert [json.loads(e.text)["id"] for e in got if not e.broken] == [
        str(i) for i in range(30) if i != 10
    ]


def test_a_stray_bracket_and_a_cut_file(monkeypatch) -> None:  # noqa: ANN001
    got = _scan(b'[{"id": "1"}, {"id": "2"}}, {"id": "3"}\n, {"id": "4"}]', 8 << 20, monkeypatch)
    assert [(e.number, e.broken) for e in got] == [
        (1, None), (2, "an unexpected }"), (3, None), (4, None)
    ]  # fmt: skip
    cut = json.dumps([{"id": str(i)} for i in range(10)], indent=2).encode()[:-20]
    got = _scan(cut, 8 << 20, monkeypatch)
    assert [json.loads(e.text)["id"] for e in got[:-1]] == [str(i) for i in range(9)]
    assert got[-1].broken == "the file ends inside this element"


def test_an_element_past_the_cap_keeps_only_its_start(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(jsonarray, "_CHUNK", 1000)
    data = json.dumps([{"text": "x" * 50_000}, {"id": "2"}]).encode()
    got = list(jsonarray.array_elements(io.BytesIO(data), max_bytes=100))
    assert len(got[0].text) == 101 and json.loads(got[1].text) == {"id": "2"}
