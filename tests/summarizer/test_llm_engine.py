"""The optional model engine: proposals are verified against the transcript; the rules win on any failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.types import NEEDS_FILLING, Meeting
from summarizer import LLMOptions, extract_minutes
from summarizer.llm import build_messages, parse_reply
from tests.summarizer.meetings import segments

MEETING = Meeting(type="支部委员会", date="2026-10-12", host="王建国", recorder="刘芳",
                  roster=["王建国", "刘芳", "陈志强", "赵敏", "孙磊"])
LINES = [
    ("王建国", "现在开会，应到五人，实到五人。"),
    ("王建国", "首先学习第一议题，学习习近平总书记关于国有企业改革发展的重要论述。"),
    ("陈志强", "总书记强调，国有企业是党执政兴国的重要支柱。"),
    ("赵敏", "党费的事大家都清楚，刘方同志多费心，十二月二十日前收齐吧。"),  # no frame the rules know
    ("王建国", "好，散会。"),
]
SEGMENTS = segments(LINES)


def reply(payload) -> callable:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return lambda messages: text


def test_verified_proposals_are_used_with_our_owner_and_date_rules():
    proposal = {
        "first_topic": {"content": "学习习近平总书记关于国有企业改革发展的重要论述", "leader": "陈志强", "evidence": [1, 2]},
        "resolutions": [
            {"content": "党费十二月二十日前收齐", "owner": "刘方", "deadline": "2026年12月20日", "evidence": [3, 3]},
            {"content": "开展一次红色教育参观", "owner": "孙磊", "deadline": "本月底前", "evidence": [3, 3]},  # not said
            {"content": "国有企业是党执政兴国的重要支柱", "owner": None, "deadline": None, "evidence": [7, 9]},  # no such lines
        ],
    }
    minutes = extract_minutes(SEGMENTS, MEETING, engine="llm", generate=reply(proposal))
    [res] = minutes.resolutions
    assert res.owner == "刘芳"  # the model's spelling corrected to the roster
    assert res.deadline == "2026-12-20"  # resolved from the cited words, not taken from the model
    assert (res.start, res.end) == (SEGMENTS[3].start, SEGMENTS[3].end)
    assert minutes.first_topic.leader == "陈志强"
    assert minutes.attendance.present == 5  # counts always come from the rules


def test_owner_not_said_in_the_cited_speech_is_left_for_the_secretary():
    proposal = {"resolutions": [{"content": "十二月二十日前收齐", "owner": "孙磊", "deadline": None, "evidence": [3, 3]}]}
    [res] = extract_minutes(SEGMENTS, MEETING, engine="llm", generate=reply(proposal)).resolutions
    assert res.owner is None and NEEDS_FILLING in res.flags
    assert res.deadline == "2026-12-20"


@pytest.mark.parametrize("bad", ["对不起，我无法完成。", "{not json", "[]", json.dumps({"resolutions": "无"}),
                                 json.dumps({"resolutions": [{"content": 5, "evidence": "3"}]})])
def test_garbage_replies_fall_back_to_the_rules(bad):
    rules = extract_minutes(SEGMENTS, MEETING)
    assert extract_minutes(SEGMENTS, MEETING, engine="llm", generate=reply(bad)) == rules


def test_a_failing_model_falls_back_to_the_rules():
    def broken(messages):
        raise RuntimeError("CUDA out of memory")

    assert extract_minutes(SEGMENTS, MEETING, engine="llm", generate=broken) == extract_minutes(SEGMENTS, MEETING)
    # nothing configured: the rules, no error
    assert extract_minutes(SEGMENTS, MEETING, engine="llm") == extract_minutes(SEGMENTS, MEETING)


def test_no_first_topic_is_invented_for_a_party_lecture():
    lecture = Meeting(type="党课", date="2026-10-12", host="王建国", roster=MEETING.roster)
    lines = [("王建国", "今天讲党课，题目是学习习近平新时代中国特色社会主义思想。")]
    proposal = {"first_topic": {"content": "学习习近平新时代中国特色社会主义思想", "leader": "王建国", "evidence": [0, 0]},
                "resolutions": []}
    assert extract_minutes(segments(lines), lecture, engine="llm", generate=reply(proposal)).first_topic is None


def test_reply_parsing_and_prompt():
    assert parse_reply('<think>先想想{"a":1}</think>好的：```json\n{"resolutions": []}\n```') == {"resolutions": []}
    messages = build_messages(SEGMENTS, MEETING)
    assert messages[0]["role"] == "system" and "[3] 赵敏：" in messages[1]["content"]
    assert "刘芳" in messages[1]["content"]  # the roster is in the prompt
    long = segments([("甲", "闲聊一些与会议无关的内容。" * 20)] * 300 + [("乙", "由刘芳同志负责，月底前完成。")])
    text = build_messages(long, MEETING)[1]["content"]
    assert len(text) < 14000 and "由刘芳同志负责" in text  # long meetings keep the lines with decision cues


def _tiny_model(folder: Path) -> Path:
    """A randomly initialised two-layer GPT-2 with a character tokenizer, built here: no download."""
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers

    text = "".join(t for _, t in LINES) + build_messages(SEGMENTS, MEETING)[0]["content"] + "{}[]\":,0123456789 "
    vocab = {"<unk>": 0, "<eos>": 1}
    for ch in text:
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", eos_token="<eos>")
    config = transformers.GPT2Config(vocab_size=len(vocab), n_positions=4096, n_embd=16, n_layer=2, n_head=2,
                                     eos_token_id=1, bos_token_id=1)
    transformers.GPT2LMHeadModel(config).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder


def test_local_model_folder_plumbing(tmp_path: Path):
    from summarizer.llm import TransformersGenerator

    folder = _tiny_model(tmp_path / "tiny")
    said = TransformersGenerator(folder, max_new_tokens=4)(build_messages(SEGMENTS, MEETING))
    assert isinstance(said, str)  # the folder loads offline and generates
    options = LLMOptions(model_dir=folder, max_new_tokens=8)
    minutes = extract_minutes(SEGMENTS, MEETING, engine="llm", llm=options)
    assert minutes == extract_minutes(SEGMENTS, MEETING)  # a random model says nothing verifiable


# ---------------------------------------------------------------- the endpoint's network policy (core.net_policy)


class ChatServer:
    """An OpenAI-compatible /v1/chat/completions on 127.0.0.1 that records requests; `answer(path)` gives
    (status, headers, body)."""

    def __init__(self, answer=None, tls=None):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict] = []
        self.answer = answer or (lambda path: (200, {}, json.dumps(
            {"choices": [{"message": {"content": json.dumps({"resolutions": []})}}]}).encode()))
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
                status, headers, payload = server.answer(self.path)
                self.send_response(status)
                for k, v in {"Content-Type": "application/json", "Content-Length": str(len(payload)), **headers}.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802 - a followed redirect arrives as a GET
                server.requests.append({"path": self.path, "headers": dict(self.headers), "body": None})
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.mark.parametrize("endpoint", ["http://10.0.0.5:8000/v1", "http://192.168.1.20/v1", "http://llm.example.cn/v1",
                                      "ftp://10.0.0.5/v1", "https://user:pw@llm.example.cn/v1"])
def test_an_endpoint_off_the_policy_is_refused_in_chinese_and_the_rules_answer(endpoint, caplog):
    from summarizer.llm import LLMEndpointError, make_generator

    with pytest.raises(LLMEndpointError, match="大模型服务地址"):
        make_generator(LLMOptions(endpoint=endpoint, api_key="k"))
    rules = extract_minutes(SEGMENTS, MEETING)
    assert extract_minutes(SEGMENTS, MEETING, engine="llm", llm=LLMOptions(endpoint=endpoint, api_key="k")) == rules
    assert "大模型服务地址" in caplog.text


def test_a_loopback_endpoint_is_reached_directly_not_through_a_proxy(monkeypatch):
    from summarizer.llm import make_generator
    from tests.sync.stand_ins import ProxyTrap

    with ProxyTrap() as trap, ChatServer() as server:
        trap.install(monkeypatch)
        said = make_generator(LLMOptions(endpoint=server.url, model="qwen", api_key="key-1"))(
            build_messages(SEGMENTS, MEETING))
    assert json.loads(said) == {"resolutions": []}
    assert trap.connections == 0 and len(server.requests) == 1
    assert server.requests[0]["path"] == "/v1/chat/completions"
    assert server.requests[0]["headers"]["Authorization"] == "Bearer key-1"


def test_a_redirect_is_not_followed_so_the_key_stays_with_the_endpoint():
    from summarizer.llm import LLMEndpointError, make_generator

    def moved(path):
        return 302, {"Location": elsewhere.url + "/chat/completions"}, b""

    with ChatServer() as elsewhere, ChatServer(moved) as server:
        generate = make_generator(LLMOptions(endpoint=server.url, api_key="key-1"))
        with pytest.raises(LLMEndpointError, match="HTTP 302"):
            generate(build_messages(SEGMENTS, MEETING))
    assert len(server.requests) == 1 and elsewhere.requests == []


def test_an_https_endpoint_is_verified_with_the_units_ca(tmp_path):
    from summarizer.llm import LLMEndpointError, make_generator
    from tests.sync.stand_ins import intranet_pki, server_tls

    pki = intranet_pki(tmp_path)
    if pki is None:
        pytest.skip("openssl is not installed")
    with ChatServer(tls=server_tls(pki)) as server:
        with pytest.raises(LLMEndpointError, match="证书无法验证"):
            make_generator(LLMOptions(endpoint=server.url, api_key="key-1"))(build_messages(SEGMENTS, MEETING))
        assert server.requests == []
        generate = make_generator(LLMOptions(endpoint=server.url, api_key="key-1", ca_file=str(pki / "ca.pem")))
        assert json.loads(generate(build_messages(SEGMENTS, MEETING))) == {"resolutions": []}
    assert len(server.requests) == 1
