from summarizer.addressing import RosterForms, find_agents
from summarizer.names import Roster

ROSTER = Roster(["王建国", "刘芳", "陈志强", "赵敏", "孙磊"], host="王建国")


def test_asr_misspelt_names_resolve_by_pinyin():
    assert ROSTER.resolve("刘方") == "刘芳"
    assert ROSTER.resolve("陈志墙同志") == "陈志强"
    assert ROSTER.resolve("赵民") == "赵敏"
    assert ROSTER.resolve("王书记") == "王建国"
    assert ROSTER.resolve("小孙") == "孙磊"


def test_unrelated_words_do_not_become_names():
    assert ROSTER.resolve("会议") is None
    assert ROSTER.resolve("刘洋") is None  # a different given name is a different person
    assert Roster([]).resolve("刘芳") is None


def test_owner_frames():
    forms = RosterForms(ROSTER.names)

    def find(text):
        agents = find_agents(text, forms)
        return agents[0].name if agents else None

    assert find("由刘方同志负责党费收缴") == "刘芳"
    assert find("请陈志强同志牵头，在本月底前更新宣传栏") == "陈志强"
    assert find("陈志强牵头、赵敏配合") == "陈志强"
    assert find("责成赵敏同志三天内整改") == "赵敏"
    assert find("由刘芳和赵敏两位同志负责") == "刘芳、赵敏"
    assert find("由咱们学生部的女同学去布置现场") is None
    assert find("十一月份开展一次专题研讨") is None


def test_a_member_called_by_a_given_name_heard_as_its_homophone():
    roster = Roster(["符晓东", "王建国", "刘芳", "陈晓冬"])
    assert roster.resolve("建国") == "王建国"  # the given name alone
    assert roster.resolve("小王") == "王建国"  # 小 + surname still comes first
    assert roster.resolve("小东") is None  # 晓东 or 晓冬: two members read so, neither is taken
    assert Roster(["符晓东", "王建国"]).resolve("小东") == "符晓东"  # 晓东 heard as 小东
    assert Roster(["符晓东", "王建国"]).resolve("东风") is None
