"""The guide's own words for each clause: ``guide-2019-06.txt`` cut into passages by the catalogue's numbering."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SECTION = re.compile(r"^([一二三四五六七八九十])、")
_ITEM = re.compile(r"^(\d+)、")
_SUB = re.compile(r"^（(\d+)）")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_PUNCT = re.compile(r"[，。：？、；！]")


@dataclass(frozen=True)
class Passage:
    """The guide's own words for one clause, and where they stand (section, item)."""

    where: tuple[str, ...]
    lines: tuple[str, ...]


def _guide_blocks(text: str) -> tuple[str, dict[tuple[int, ...], list[str]], str | None]:
    """(title, blocks keyed (section[, item[, sub-item]]), the closing 注 line)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return "", {}, None
    title, body = lines[0], lines[1:]
    note, end = None, len(body)
    notes = [i for i, ln in enumerate(body) if ln.startswith("注：")]
    if notes:
        note, end = body[notes[-1]], notes[-1]
        # the signature (centre, vendor, date) above the note: short lines with no punctuation
        while end > 0 and len(body[end - 1]) < 30 and not _PUNCT.search(body[end - 1]):
            end -= 1
    blocks: dict[tuple[int, ...], list[str]] = {}
    key: tuple[int, ...] = (0,)
    for ln in body[:end]:
        if (m := _SECTION.match(ln)) and m.group(1) in _CN_NUM:
            key = (_CN_NUM[m.group(1)],)
        elif (m := _ITEM.match(ln)) and key[0]:
            key = (key[0], int(m.group(1)))
        elif (m := _SUB.match(ln)) and len(key) >= 2:
            key = (key[0], key[1], int(m.group(1)))
        blocks.setdefault(key, []).append(ln)
    return title, blocks, note


def guide_passages(text: str, clause_ids: Iterable[str]) -> dict[str, Passage]:
    """Clause ID -> the guide's paragraph(s), following the catalogue's numbering rule.

    ``0.1`` is the opening paragraph and ``0.2`` the closing note; ``N.0`` a section's heading and
    lead; ``N.M`` item M (with those of its sub-items that are no clause of their own); ``N.M.K``
    sub-item （K）, or, in an item without sub-items, its K-th paragraph (``1.1.1``, ``1.1.2``). A
    clause the text does not yield is left out: the page then shows the catalogue's excerpt only.
    """
    title, blocks, note = _guide_blocks(text)
    ids = list(clause_ids)
    wanted = set(ids)
    out: dict[str, Passage] = {}
    for cid in ids:
        try:
            nums = tuple(int(p) for p in cid.split("."))
        except ValueError:
            continue
        section = blocks.get(nums[:1], [""])[0] if nums[0] else title
        if cid == "0.2" and note:
            out[cid] = Passage((), (note,))
        elif nums[0] == 0 and len(nums) == 2 and nums[1] == 1 and (0,) in blocks:
            out[cid] = Passage((title,), tuple(blocks[(0,)]))
        elif len(nums) == 2 and nums[1] == 0 and nums[:1] in blocks:
            out[cid] = Passage((), tuple(blocks[nums[:1]]))
        elif len(nums) == 2 and nums in blocks:
            lines = list(blocks[nums])
            for k in sorted(k for k in blocks if len(k) == 3 and k[:2] == nums):
                if ".".join(map(str, k)) not in wanted:
                    lines += blocks[k]
            out[cid] = Passage((section,), tuple(lines))
        elif len(nums) == 3 and nums in blocks:
            out[cid] = Passage((section, blocks[nums[:2]][0]), tuple(blocks[nums]))
        elif len(nums) == 3 and nums[:2] in blocks:
            item = blocks[nums[:2]]
            has_subs = any(len(k) == 3 and k[:2] == nums[:2] for k in blocks)
            if not has_subs and 1 <= nums[2] < len(item):
                out[cid] = Passage((section, item[0]), (item[nums[2]],))
    return out
