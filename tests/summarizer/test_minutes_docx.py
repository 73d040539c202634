"""minutes.docx: opens with python-docx, holds the record's texts, fonts on the East-Asian slot, atomic write;
the 公文 page (A4, page-number fields, headings kept with the next text, fixed table widths). How the pages
look once rendered is tests/documents/test_rendering.py."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from core.errors import OutputError
from core.types import NEEDS_FILLING, FirstTopic, Meeting, Minutes
from summarizer import extract_minutes, write_minutes_docx
from summarizer.votes import consent_decisions
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", title="第一党支部2026年10月支委会", branch="第一党支部", date="2026-10-12",
                  location="三楼党员活动室", host="王建国", recorder="刘芳", roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])
LINES = [
    ("王建国", "同志们，现在开会。应到五人，实到四人，孙磊同志出差请假。"),
    ("王建国", "今天的会议有两个议题。第一个议题，学习习近平总书记关于国有企业改革发展的重要论述。第二个议题，研究党费收缴工作。"),
    ("王建国", "下面进行第一议题，请陈志强同志领学。"),
    ("陈志强", "总书记强调，坚持党的领导、加强党的建设，是国有企业的光荣传统。"),
    ("赵敏", "我补充一点，落实要求关键是把责任压实，我不同意学归学、干归干。"),
    ("王建国", "下面进行第二个议题。会议决定：由刘芳同志负责第四季度党费收缴工作，十二月二十日前全部收齐。"),
    ("王建国", "会议要求，各位委员下月带头开展一次谈心谈话。"),
    ("王建国", "表决：赞成四票，反对零票，弃权零票。散会。"),
]


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def written(tmp_path: Path) -> Path:
    segs = segments(LINES)
    minutes = extract_minutes(segs, MEETING)
    path = tmp_path / "out" / "minutes.docx"
    write_minutes_docx(path, MEETING, minutes, segs)
    return path


def test_minutes_docx_has_the_record(written: Path):
    document = docx.Document(str(written))
    text = _all_text(document)
    for expected in ["第一党支部2026年10月支委会会议记录", "会议名称", "会议类型", "支部委员会", "2026年10月12日",
                     "三楼党员活动室", "主持人", "王建国", "记录人", "刘芳", "应到人数", "5人", "实到人数", "4人",
                     "缺席人员及原因", "孙磊（出差）", "出席人员", "王建国、刘芳、陈志强、赵敏", "列席人员", "会议议程", "研究党费收缴工作", "第一议题", "领学人：陈志强",
                     "发言要点", "赵敏：", "我不同意学归学、干归干", "决议事项", "事项", "责任人", "完成时限",
                     "2026年12月20日", "表决情况", "赞成4票，反对0票，弃权0票", "通过", "主持人（签字）", "记录人（签字）", "散会"]:
        assert expected in text, expected
    assert "2026-" not in text  # dates are written the Chinese way


def test_missing_fields_are_marked_in_the_resolutions_table(written: Path):
    document = docx.Document(str(written))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "事项")
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    open_item = next(r for r in rows if "谈心谈话" in r[1])
    assert open_item[2] == NEEDS_FILLING  # no owner said
    assert open_item[3] == "2026年11月30日"
    done = next(r for r in rows if "党费" in r[1])
    assert done[2:] == ["刘芳", "2026年12月20日"]
    red = [run for cell in table.rows[rows.index(open_item) + 1].cells for p in cell.paragraphs for run in p.runs
           if run.text == NEEDS_FILLING]
    assert red and red[0].font.color.rgb is not None


def test_fonts_are_set_on_the_east_asian_slot(written: Path):
    document = docx.Document(str(written))
    fonts = set()
    for p in document.paragraphs:
        for run in p.runs:
            rfonts = run._element.rPr.find(qn("w:rFonts"))
            fonts.add(rfonts.get(qn("w:eastAsia")))
    assert {"仿宋", "黑体", "宋体"} <= fonts
    normal = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "仿宋"


def test_failed_write_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    target = tmp_path / "out" / "minutes.docx"
    target.parent.mkdir()
    target.write_bytes(b"previous version")
    segs = segments(LINES)
    minutes = extract_minutes(segs, MEETING)

    def broken_save(self, path):
        Path(path).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(docx.document.Document, "save", broken_save)
    with pytest.raises(OutputError):
        write_minutes_docx(target, MEETING, minutes, segs)
    assert target.read_bytes() == b"previous version"
    assert [p.name for p in target.parent.iterdir()] == ["minutes.docx"]


def test_empty_minutes_still_make_a_document(tmp_path: Path):
    path = tmp_path / "empty.docx"
    write_minutes_docx(path, Meeting(type="党课", date="2026-12-03"), extract_minutes([], Meeting(type="党课")), [])
    text = _all_text(docx.Document(str(path)))
    assert "本次会议未安排第一议题" in text and "本次会议未形成决议事项" in text and "散会" in text


def test_a_deadline_read_through_a_recognition_error_asks_for_a_check(tmp_path: Path):
    lines = [("王建国", "会议决定由刘芳同志负责第四季度党费收缴工作十二一二十一前全部收齐")]  # 十二月二十日前, heard
    segs = segments(lines)
    path = tmp_path / "minutes.docx"
    write_minutes_docx(path, MEETING, extract_minutes(segs, MEETING), segs)
    table = next(t for t in docx.Document(str(path)).tables if t.rows[0].cells[1].text == "事项")
    cell = table.rows[1].cells[3]
    assert cell.text == "2026年12月20日（请核对）"
    assert cell.paragraphs[0].runs[-1].font.color.rgb is not None


def _write(tmp_path: Path, meeting: Meeting, lines=LINES, minutes: Minutes | None = None):
    segs = segments(lines)
    path = tmp_path / "minutes.docx"
    write_minutes_docx(path, meeting, minutes or extract_minutes(segs, meeting), segs)
    return docx.Document(str(path))


def _row(document, label: str) -> str:
    for table in document.tables:
        for row in table.rows:
            if row.cells[0].text == label:
                return row.cells[1].text
    raise AssertionError(f"no row {label}")


def test_attendees_are_named_and_guests_have_their_line(tmp_path: Path):
    meeting = Meeting(**{**MEETING.__dict__, "attendees_nonvoting": ["钱进", "公司党委组织部 李华"]})
    document = _write(tmp_path, meeting)
    assert _row(document, "出席人员") == "王建国、刘芳、陈志强、赵敏"  # the roster less 孙磊, who was away
    assert _row(document, "缺席人员及原因") == "孙磊（出差）"
    assert _row(document, "列席人员") == "钱进、公司党委组织部 李华"


def test_a_roster_that_disagrees_with_the_count_asks_for_a_check(tmp_path: Path):
    meeting = Meeting(**{**MEETING.__dict__, "roster": MEETING.roster + ["周新"]})  # one more than were due
    text = _row(_write(tmp_path, meeting), "出席人员")
    assert text.startswith("王建国、刘芳、陈志强、赵敏、周新") and "与实到4人不一致" in text


def test_without_a_roster_the_attendees_are_left_to_fill(tmp_path: Path):
    document = _write(tmp_path, Meeting(**{**MEETING.__dict__, "roster": []}))
    assert _row(document, "出席人员") == NEEDS_FILLING
    assert _row(document, "列席人员") == "无"


def test_start_and_end_clock_times(tmp_path: Path):
    # eight segments of 10 s: the recording is 79.5 s, about a minute and a half
    started = Meeting(**{**MEETING.__dict__, "start_time": "14:30"})
    assert _row(_write(tmp_path, started), "时间") == "2026年10月12日 14:30—14:31（录音时长约1分钟）"
    both = Meeting(**{**MEETING.__dict__, "start_time": "14:30", "end_time": "16:05"})
    assert _row(_write(tmp_path, both), "时间").startswith("2026年10月12日 14:30—16:05")
    unknown = _write(tmp_path, MEETING)
    cell = next(row.cells[1] for t in unknown.tables for row in t.rows if row.cells[0].text == "时间")
    assert cell.text == f"2026年10月12日（起止时间{NEEDS_FILLING}）（录音时长约1分钟）"
    assert any(r.text == NEEDS_FILLING and r.font.color.rgb is not None for r in cell.paragraphs[0].runs)


def test_page_is_a4_with_page_number_fields_in_the_footer(written: Path):
    document = docx.Document(str(written))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer.paragraphs[0]
    instructions = [el.text.strip() for el in footer._p.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [el.get(qn("w:fldCharType")) for el in footer._p.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2
    assert footer.text.replace(" ", "").startswith("第1页共1页")  # placeholders until Word counts


def test_headings_are_styles_kept_with_the_next_text(written: Path):
    document = docx.Document(str(written))
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [p.text for p in headings if p.style.name == "Heading 1"] == [
        "一、会议议程", "二、第一议题", "三、发言要点", "四、决议事项", "五、表决情况"]
    for name in ("Heading 1", "Heading 2", "Title"):
        st = document.styles[name]
        assert st.paragraph_format.keep_with_next
        fonts = st.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
        assert str(st.font.color.rgb) == "000000"
    assert document.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"


def test_table_columns_are_fixed_and_short_headers_do_not_wrap(written: Path):
    document = docx.Document(str(written))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "序号")
    tbl_pr = table._tbl.tblPr
    assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [c.w.mm for c in table._tbl.tblGrid.gridCol_lst]
    assert abs(sum(grid) - 156) < 0.5  # the A4 text column
    # 序号 (two 小四 characters) plus the cell margins fits its column; headers keep to one line
    assert grid[0] >= 2 * 12 * 25.4 / 72 + 2 * 1.9
    header = table.rows[0]
    assert all(c._tc.tcPr.find(qn("w:noWrap")) is not None for c in header.cells)
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on the next page
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)


def test_a_matter_adopted_without_objection_is_recorded_under_votes(tmp_path: Path):
    lines = [
        ("王建国", "下面讨论确定入党积极分子人选。"),
        ("刘芳", "党小组推荐周晓明同志。"),
        ("王建国", "大家还有不同意见吗？没有的话，会议同意确定周晓明为入党积极分子。"),
    ]
    segs = segments(lines)
    minutes = extract_minutes(segs, MEETING)
    assert minutes.votes == []  # nobody counted hands: no Vote is invented
    document = _write(tmp_path, MEETING, lines, minutes)
    text = _all_text(document)
    assert "确定周晓明为入党积极分子：主持人征求意见，与会人员无异议，会议同意（未举手计票）" in text
    assert "无表决事项" not in text


def test_consent_is_not_read_from_a_question_or_a_member_or_a_counted_vote():
    asked = segments([("王建国", "大家有没有意见？"), ("赵敏", "我有意见，会议同意这个方案我不赞成。")])
    assert consent_decisions(asked, MEETING, []) == []
    member = segments([("王建国", "下面讨论入党积极分子人选。"), ("陈志强", "我们小组没有不同意见，会议同意确定周晓明为入党积极分子。")])
    assert consent_decisions(member, MEETING, []) == []  # the chair decides, not a member reporting
    counted = segments([("王建国", "赞成四票，反对零票，弃权零票。大家没有异议，会议通过确定周晓明为入党积极分子。")])
    minutes = extract_minutes(counted, MEETING)
    assert minutes.votes and consent_decisions(counted, MEETING, minutes.votes) == []


def test_study_content_is_the_topic_not_the_leaders_words(tmp_path: Path):
    segs = segments(LINES)
    minutes = extract_minutes(segs, MEETING)
    # as an LLM proposing the 第一议题 from the leader's words may give it
    minutes.first_topic = FirstTopic(content="总书记强调，坚持党的领导、加强党的建设，是国有企业的光荣传统",
                                     leader="陈志强", measures=["二，完成一次集中学习"], form="领学")
    document = _write(tmp_path, MEETING, minutes=minutes)
    paras = [p.text for p in document.paragraphs]
    assert "学习内容：学习习近平总书记关于国有企业改革发展的重要论述" in paras  # the agenda's study item
    assert "领学要点：总书记强调，坚持党的领导、加强党的建设，是国有企业的光荣传统" in paras
    assert "1. 完成一次集中学习" in paras  # the spoken ordinal is not kept beside the document's
    intro = next(p for p in document.paragraphs if p.text == "落实措施：")
    assert intro.paragraph_format.keep_with_next  # never alone at a page foot above its list


def test_study_title_drops_what_was_said_after_it(tmp_path: Path):
    minutes = Minutes(first_topic=FirstTopic(content="学习习近平总书记关于作风建设的重要论述，志远领学", leader="甲"))
    document = _write(tmp_path, MEETING, lines=[], minutes=minutes)
    assert "学习内容：学习习近平总书记关于作风建设的重要论述" in [p.text for p in document.paragraphs]
    planned = Meeting(**{**MEETING.__dict__, "planned_first_topic": "学习《习近平谈治国理政》第五卷"})
    document = _write(tmp_path, planned, lines=[], minutes=minutes)
    assert "学习内容：学习《习近平谈治国理政》第五卷" in [p.text for p in document.paragraphs]
