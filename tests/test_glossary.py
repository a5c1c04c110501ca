"""One vocabulary across the course: notebook prose uses the glossary's preferred terms (docs/glossary.md),
Korean particles after English words follow the word's Korean reading, and every notebook links the glossary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "docs" / "glossary.md"
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

HANGUL = re.compile(r"[가-힣]")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
LINK_TARGET = re.compile(r"\]\([^)]*\)|<[^>]+>|https?://\S+")
PARENS = re.compile(r"\([^()]*\)")


def table(heading: str) -> list[list[str]]:
    """Rows (cells stripped) of the first markdown table under ``## heading`` in the glossary."""
    text = GLOSSARY.read_text(encoding="utf-8")
    part = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


TERMS = table("용어")
READINGS = {word: reading for word, reading in table("영어 단어 뒤의 조사")}


def rejected_variants() -> list[tuple[str, str]]:
    """(variant, preferred term) for every variant the glossary rejects."""
    pairs = []
    for row in TERMS:
        preferred, _english, avoid = row[0], row[1], row[2]
        pairs += [(v.strip(), preferred) for v in avoid.split(",") if v.strip()]
    return pairs


def variant_pattern(variant: str) -> re.Pattern:
    if HANGUL.search(variant):
        return re.compile(re.escape(variant))
    # ASCII word boundaries: a Hangul particle may follow directly ("epoch마다" is a hit)
    return re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(variant)}s?(?![A-Za-z0-9_-])", re.I)


def prose(source: str, keep_parentheses: bool = True) -> str:
    """Markdown without code, math, link targets and (optionally) parenthesised glosses."""
    text = LINK_TARGET.sub("", MATH.sub("", CODE.sub("", source)))
    return text if keep_parentheses else PARENS.sub("", text)


def markdown_cells(path: Path) -> list[tuple[int, str]]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(i, "".join(c["source"])) for i, c in enumerate(cells) if c["cell_type"] == "markdown"]


def test_glossary_is_well_formed():
    preferred = [row[0] for row in TERMS]
    assert all(len(row) == 5 for row in TERMS), "each row: 용어 | 영어 | 쓰지 않는 표기 | 뜻 | 노트북"
    assert len(preferred) == len(set(preferred)), "a term appears twice"
    assert len(TERMS) >= 60
    for variant, _term in rejected_variants():
        assert variant not in preferred, f"{variant!r} is both preferred and rejected"
    for row in TERMS:
        assert re.fullmatch(r"\d\d", row[4]), f"{row[0]}: the notebook column is a two-digit number"
        assert row[3], f"{row[0]}: a one-line definition"
    for word, reading in READINGS.items():
        assert reading and all("가" <= ch <= "힣" for ch in reading), f"{word}: the reading is Hangul"


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb_path(request) -> Path:
    return request.param


def test_notebook_prose_uses_preferred_terms(nb_path: Path):
    found = []
    patterns = [(variant_pattern(v), v, term) for v, term in rejected_variants()]
    for index, source in markdown_cells(nb_path):
        for pattern, variant, term in patterns:
            text = prose(source, keep_parentheses=bool(HANGUL.search(variant)))
            for match in pattern.finditer(text):
                context = text[max(0, match.start() - 15) : match.end() + 15].replace("\n", " ")
                found.append(f"cell {index}: '{variant}' -> '{term}' in …{context}…")
    assert not found, f"{len(found)} variants the glossary rejects:\n" + "\n".join(found)


def has_final_consonant(reading: str) -> int | None:
    """The final consonant index (0 = none, 8 = ㄹ) of the reading's last syllable."""
    return (ord(reading[-1]) - 0xAC00) % 28


PARTICLES = {"은": "는", "이": "가", "을": "를", "과": "와", "으로": "로"}


def wrong_particle(reading: str, particle: str) -> str | None:
    """The correct particle if ``particle`` does not fit ``reading``, else None."""
    final = has_final_consonant(reading)
    if particle == "으로" and final in (0, 8):
        return "로"
    if particle == "로" and final not in (0, 8):
        return "으로"
    if final and particle in PARTICLES.values() and particle != "로":
        return next(k for k, v in PARTICLES.items() if v == particle)
    if not final and particle in PARTICLES and particle != "으로":
        return PARTICLES[particle]
    return None


def test_particles_after_english_words_follow_their_reading(nb_path: Path):
    found = []
    for word, reading in READINGS.items():
        pattern = re.compile(rf"(?<![\w.-])`?{re.escape(word)}`?(으로|은|는|이|가|을|를|과|와|로)(?=[\s.,)!?:;]|$)")
        for index, source in markdown_cells(nb_path):
            for match in pattern.finditer(LINK_TARGET.sub("", MATH.sub("", source))):
                fix = wrong_particle(reading, match.group(1))
                if fix:
                    found.append(f"cell {index}: {match.group(0)!r} reads {reading}: use '{fix}'")
    assert not found, "\n".join(found)


def test_particle_rule():
    assert wrong_particle("텐서", "를") is None and wrong_particle("텐서", "을") == "를"
    assert wrong_particle("데이터셋", "을") is None and wrong_particle("데이터셋", "를") == "을"
    assert wrong_particle("모듈", "로") is None and wrong_particle("모듈", "으로") == "로"
    assert wrong_particle("사이파텐", "으로") is None and wrong_particle("사이파텐", "로") == "으로"
    assert wrong_particle("그레이디언트디센트", "와") is None and wrong_particle("그레이디언트디센트", "과") == "와"


def test_variant_check_ignores_code_math_and_glosses():
    source = "에폭(epoch)마다 `epoch` 값을 $epoch$ 출력합니다. [링크](https://x/epoch)"
    assert not variant_pattern("epoch").search(prose(source, keep_parentheses=False))
    assert variant_pattern("epoch").search(prose("매 epoch마다", keep_parentheses=False))
    assert variant_pattern("배치").search(prose("미니 배치")) is not None


def test_every_notebook_links_the_glossary_at_its_end(nb_path: Path):
    cells = markdown_cells(nb_path)
    tail = "".join(source for _, source in cells[-2:])
    assert "../docs/glossary.md" in tail, "link the glossary (../docs/glossary.md) in 요약 or 다음 단계"
