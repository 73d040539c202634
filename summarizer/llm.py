"""Optional engine: a local instruction-tuned model (or an intranet OpenAI-compatible endpoint) proposes
the resolutions and the 第一议题; the rules stay the default and the fallback.

The model only proposes. Every item must cite the transcript lines it came from, its content must be
drawn from those lines, owners are corrected against the roster and deadlines are re-resolved by our
own date rules from the cited words. Anything that fails these checks is dropped; when the model
fails, answers garbage or nothing verifiable, the rules' minutes are returned unchanged.
transformers is imported only when a local model is actually used.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core import net_policy
from core.flags import flag_missing
from core.meeting_rules import expect
from core.types import FirstTopic, Meeting, Minutes, Resolution, Segment
from summarizer.dates import find_deadline
from summarizer.names import Roster
from summarizer.text import bigrams, clean_text, cue_list, strip_punct

log = logging.getLogger(__name__)

Generate = Callable[[list[dict[str, str]]], str]  # chat messages -> the model's reply text

MAX_PROMPT_CHARS = 12000
MAX_EVIDENCE_LINES = 6
_CUES = re.compile(r"决定|研究|同意|通过|负责|牵头|由|请|要求|责成|交给|措施|前|底|第一议题|总书记|习近平|学习")

SYSTEM_PROMPT = (
    "你是党支部的会议记录助手。根据带编号的会议转写，找出第一议题和决议事项，只输出一个 JSON 对象，不要输出其他文字。\n"
    "格式：{\"first_topic\": null 或 {\"content\": 学习内容, \"leader\": 领学人, \"evidence\": [起始行号, 结束行号]},\n"
    " \"resolutions\": [{\"content\": 决议事项, \"owner\": 责任人或null, \"deadline\": 原话中的完成时限或null, "
    "\"evidence\": [起始行号, 结束行号]}]}\n"
    "要求：只记录会议决定或明确分配的任务，建议、讨论、下次再议都不是决议；同一决议说了两遍只记一次；"
    "没有说责任人或时限就填 null，不要猜；content 用原话；evidence 必须是该事项出自的行号。"
)


@dataclass(frozen=True)
class LLMOptions:
    """Where the model is. Exactly one of model_dir (a local transformers folder) or endpoint."""

    model_dir: Path | None = None
    endpoint: str = ""  # e.g. https://llm.unit.example:8000/v1 (http only to this machine); only when the user set it
    model: str = ""  # model name for the endpoint
    api_key: str = ""
    ca_file: str = ""  # the unit's CA for an https endpoint with its own certificate authority
    max_new_tokens: int = 1024
    timeout: float = 300.0


# ---------------------------------------------------------------- generators


class TransformersGenerator:
    """A local causal LM loaded from a folder the user installed; nothing is downloaded."""

    def __init__(self, model_dir: Path, max_new_tokens: int = 1024):
        self.model_dir = Path(model_dir)
        self.max_new_tokens = max_new_tokens
        self._model = self._tokenizer = None

    def _load(self) -> None:
        if self._model is None:
            from transformers import AutoModelForCausalLM, AutoTokenizer  # lazy: heavy

            self._tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
            self._model = AutoModelForCausalLM.from_pretrained(str(self.model_dir), local_files_only=True)
            self._model.eval()

    def __call__(self, messages: list[dict[str, str]]) -> str:
        self._load()
        tok, model = self._tokenizer, self._model
        if getattr(tok, "chat_template", None):
            prompt = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        else:
            prompt = "\n\n".join(m["content"] for m in messages) + "\n\n"
        inputs = tok(prompt, return_tensors="pt")
        import torch

        with torch.no_grad():
            out = model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False,
                                 pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id)
        return tok.decode(out[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True)


class LLMEndpointError(ValueError):
    """The endpoint is unusable (unsafe URL, refused, unreadable answer); str() is Chinese. A ValueError,
    so extract_minutes falls back to the rules, as for any model failure."""


MAX_RESPONSE_BYTES = 4 * 1024 * 1024


class EndpointGenerator:
    """An OpenAI-compatible chat endpoint on the intranet (only when the user configured one).

    Follows core.net_policy like the platform sync and the remote recogniser: https verified with the
    unit's CA, plain http only to this machine, the key never on unencrypted http, no proxy, no redirect.
    """

    def __init__(self, endpoint: str, model: str, api_key: str = "", timeout: float = 300.0,
                 max_new_tokens: int = 1024, ca_file: str = ""):
        self.url = (endpoint or "").strip().rstrip("/") + "/chat/completions"
        self._parts = net_policy.check_url(self.url, what="大模型服务地址", error=LLMEndpointError,
                                           protects="会议内容")
        self._auth = net_policy.bearer(self._parts, api_key, error=LLMEndpointError, what="大模型服务")
        self.model, self.timeout, self.max_new_tokens = model, timeout, max_new_tokens
        self.ca_file = ca_file or None

    def __repr__(self) -> str:  # never the key
        return f"EndpointGenerator({self.url!r}, model={self.model!r})"

    def __call__(self, messages: list[dict[str, str]]) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "temperature": 0,
                           "max_tokens": self.max_new_tokens}).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json", **self._auth}
        conn = net_policy.connection(self._parts, timeout=self.timeout, error=LLMEndpointError, what="大模型服务",
                                     ca_file=self.ca_file)
        where = self._parts.netloc
        try:
            conn.request("POST", self._parts.path, body=body, headers=headers)
            resp = conn.getresponse()
            status, raw = resp.status, resp.read(MAX_RESPONSE_BYTES + 1)
        except ssl.SSLCertVerificationError:
            raise LLMEndpointError(f"大模型服务“{where}”的证书无法验证：如使用单位自建的证书，请指定根证书文件。") from None
        except (OSError, http.client.HTTPException) as exc:
            raise LLMEndpointError(f"无法连接大模型服务“{where}”（{type(exc).__name__}）。") from None
        finally:
            conn.close()
        if not 200 <= status < 300:  # a 3xx too: redirects are never followed
            raise LLMEndpointError(f"大模型服务“{where}”拒绝了请求（HTTP {status}）。")
        if len(raw) > MAX_RESPONSE_BYTES:
            raise LLMEndpointError(f"大模型服务“{where}”的回应过大，已放弃。")
        data = json.loads(raw.decode("utf-8"))
        return data["choices"][0]["message"]["content"]


def make_generator(options: LLMOptions) -> Generate:
    if options.model_dir:
        return TransformersGenerator(options.model_dir, options.max_new_tokens)
    if options.endpoint:
        return EndpointGenerator(options.endpoint, options.model, options.api_key, options.timeout,
                                 options.max_new_tokens, options.ca_file)
    raise ValueError("no model folder or endpoint configured")


# ---------------------------------------------------------------- prompt


def _lines(segments: list[Segment]) -> list[tuple[int, str]]:
    return [(i, f"[{i}] {s.speaker or '发言人'}：{clean_text(s.text)}") for i, s in enumerate(segments) if clean_text(s.text)]


def build_messages(segments: list[Segment], meeting: Meeting) -> list[dict[str, str]]:
    """System + user messages; long transcripts keep the lines with decision cues and their neighbours."""
    lines = _lines(segments)
    if sum(len(t) for _, t in lines) > MAX_PROMPT_CHARS:
        keep: set[int] = set()
        for i, text in lines:
            if _CUES.search(text):
                keep.update((i - 1, i, i + 1))
        lines = [(i, t) for i, t in lines if i in keep]
        total, kept = 0, []
        for i, t in lines:
            total += len(t)
            if total > MAX_PROMPT_CHARS:
                break
            kept.append((i, t))
        lines = kept
    facts = (f"会议类型：{meeting.type}；日期：{meeting.date}；主持人：{meeting.host}；"
             f"参会名单：{'、'.join(meeting.roster)}")
    user = facts + "\n会议转写：\n" + "\n".join(t for _, t in lines)
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


# ---------------------------------------------------------------- validation


def parse_reply(text: str) -> dict[str, Any]:
    """The first JSON object in the reply (models like to wrap it in ```json fences or prose)."""
    text = re.sub(r"<think>.*?</think>", "", text or "", flags=re.S)  # reasoning distills think aloud first
    start = text.find("{")
    while start >= 0:
        depth = 0
        for end in range(start, len(text)):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            if depth == 0:
                try:
                    data = json.loads(text[start:end + 1])
                except json.JSONDecodeError:
                    break
                if isinstance(data, dict):
                    return data
                break
        start = text.find("{", start + 1)
    raise ValueError("no JSON object in the model's reply")


def _evidence(item: dict[str, Any], segments: list[Segment]) -> tuple[int, int] | None:
    ev = item.get("evidence")
    if isinstance(ev, int):
        ev = [ev, ev]
    if not isinstance(ev, list) or not ev or not all(isinstance(x, int) and not isinstance(x, bool) for x in ev):
        return None
    a, b = ev[0], ev[-1]
    if not (0 <= a <= b < len(segments)) or b - a >= MAX_EVIDENCE_LINES:
        return None
    return a, b


def _drawn_from(content: str, cited: str, share: float = 0.5) -> bool:
    grams = bigrams(content)
    return bool(grams) and len(grams & bigrams(cited)) / len(grams) >= share


def _owner(value: Any, cited: str, roster: Roster) -> str | None:
    if not isinstance(value, str) or not strip_punct(value):
        return None
    value = re.sub(r"(同志|书记|委员)$", "", strip_punct(value))
    name = roster.resolve(value)
    if name and (name in cited or any(n == name for n, _, _ in roster.find_all(cited))):
        return name
    if value in cited and (value in cue_list("owner_units") or not roster.names):
        return value  # a unit (各党小组), or a name when no roster was entered
    return None  # not said in the cited speech: leave it for the secretary


def _deadline(value: Any, cited: str, meeting: Meeting) -> tuple[str | None, bool]:
    """(ISO date, recurring): always resolved by our rules from words that were actually said."""
    said = find_deadline(cited, meeting.day)
    if isinstance(value, str) and strip_punct(value) and strip_punct(value) in cited:
        own = find_deadline(strip_punct(value), meeting.day)
        if own:
            return own.date, own.recurring
    return (said.date, said.recurring) if said else (None, False)


def validate(data: dict[str, Any], segments: list[Segment], meeting: Meeting) -> tuple[list[Resolution], FirstTopic | None]:
    roster = Roster(list(meeting.roster or []), meeting.host or "")
    resolutions: list[Resolution] = []
    items = data.get("resolutions")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("content"), str):
            continue
        span = _evidence(item, segments)
        content = strip_punct(item["content"])[:120]
        if span is None or not content:
            continue
        cited = "".join(clean_text(s.text) for s in segments[span[0]:span[1] + 1])
        if not _drawn_from(content, cited):
            continue
        date, recurring = _deadline(item.get("deadline"), cited, meeting)
        res = Resolution(content=content, owner=_owner(item.get("owner"), cited, roster), deadline=date,
                         start=round(segments[span[0]].start, 2), end=round(segments[span[1]].end, 2))
        flag_missing(res, recurring=recurring)
        if all(not (r.content == res.content and r.owner == res.owner) for r in resolutions):
            resolutions.append(res)
    first_topic = None
    ft = data.get("first_topic")
    transcript = "".join(clean_text(s.text) for s in segments)
    may_have = expect(meeting.type).first_topic or "第一议题" in transcript  # never invent one for a 党课
    if isinstance(ft, dict) and isinstance(ft.get("content"), str) and may_have:
        span = _evidence(ft, segments) or None
        cited = "".join(clean_text(s.text) for s in segments[span[0]:span[1] + 1]) if span else ""
        if span and _drawn_from(ft["content"], cited):
            leader = ft.get("leader")
            leader = (roster.resolve(leader) if isinstance(leader, str) else None) or (
                leader if isinstance(leader, str) and leader and leader in transcript else "")
            first_topic = FirstTopic(content=strip_punct(ft["content"]), leader=leader or "",
                                     start=round(segments[span[0]].start, 2), end=round(segments[span[1]].end, 2))
    return resolutions, first_topic


# ---------------------------------------------------------------- engine


def refine_with_llm(segments: list[Segment], meeting: Meeting, minutes: Minutes, generate: Generate) -> Minutes:
    """The rules' minutes with the model's verified resolutions and 第一议题; the rules' on any failure."""
    if not segments:
        return minutes
    try:
        data = parse_reply(generate(build_messages(segments, meeting)))
        resolutions, first_topic = validate(data, segments, meeting)
    except Exception as exc:  # the model is optional: any failure means the rules' answer
        log.warning("local model failed, using the rules: %s", exc)
        return minutes
    if not resolutions and minutes.resolutions:
        log.info("model proposed nothing verifiable; keeping the rules' resolutions")
        resolutions = minutes.resolutions
    if first_topic is None:
        first_topic = minutes.first_topic
    elif minutes.first_topic is not None:
        # the rules know the span of the agenda item; keep it when both agree on the study
        first_topic = replace(first_topic, form=minutes.first_topic.form, start=minutes.first_topic.start,
                              end=minutes.first_topic.end, leader=first_topic.leader or minutes.first_topic.leader)
    if first_topic is not None:
        first_topic.measures = [r.content for r in resolutions if first_topic.start <= r.start <= first_topic.end]
    return replace(minutes, resolutions=resolutions, first_topic=first_topic)
