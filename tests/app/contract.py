"""A checker for the result.json contract of design.md, shared by the app tests."""

from __future__ import annotations

import re

NUMBER = (int, float)


def check_result_contract(d: dict) -> None:
    assert d["schema"] == "sanhui.result/1"
    assert isinstance(d["id"], str)
    m = d["meeting"]
    for key in ("type", "title", "branch", "date", "location", "host", "recorder"):
        assert isinstance(m[key], str), key
    assert isinstance(m["roster"], list)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["date"])
    assert isinstance(d["audio"]["path"], str) and isinstance(d["audio"]["duration"], NUMBER)
    assert d["segments"], "a processed meeting has segments"
    for s in d["segments"]:
        assert isinstance(s["start"], NUMBER) and isinstance(s["end"], NUMBER) and s["end"] >= s["start"]
        assert isinstance(s["speaker"], str) and isinstance(s["text"], str)
    mins = d["minutes"]
    att = mins["attendance"]
    assert isinstance(att["expected"], int) and isinstance(att["present"], int)
    assert all(set(a) >= {"name", "reason"} for a in att["absent"])
    assert isinstance(mins["agenda"], list) and all(isinstance(a, str) for a in mins["agenda"])
    ft = mins["first_topic"]
    assert ft is None or (isinstance(ft["content"], str) and isinstance(ft["leader"], str) and isinstance(ft["measures"], list))
    for r in mins["resolutions"]:
        assert isinstance(r["content"], str)
        assert r["owner"] is None or isinstance(r["owner"], str)
        assert r["deadline"] is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["deadline"])
        assert isinstance(r["start"], NUMBER) and isinstance(r["end"], NUMBER)
    for v in mins["votes"]:
        assert isinstance(v["matter"], str)
        assert all(isinstance(v[k], int) for k in ("for", "against", "abstain"))
    a = d["analytics"]
    for p in a["participation"]:
        assert isinstance(p["speaker"], str) and 0.0 <= p["share"] <= 1.0
        assert isinstance(p["seconds"], NUMBER) and isinstance(p["turns"], int)
    if a["participation"]:
        assert abs(sum(p["share"] for p in a["participation"]) - 1.0) < 0.01
    for r in a["risks"]:
        assert set(r) >= {"speaker", "text", "start", "end", "reason"}
    assert isinstance(a["sentiment"], dict) and isinstance(a["score"], dict)
    assert {"overall", "grade", "parts", "formula", "measures", "suggestions"} <= set(a["score"])
    for part in a["score"]["parts"]:
        assert set(part) == {"key", "name", "value", "weight", "detail"}
    for c in a["compliance"]:
        assert set(c) == {"item", "ok", "detail"} and c["ok"] in (True, False, None)
    assert set(d["timings"]) >= {"decode", "asr", "speakers", "minutes", "analytics", "total"}
