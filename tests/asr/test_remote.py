"""The remote engine against a real HTTP server on 127.0.0.1 speaking the OpenAI transcription API."""

from __future__ import annotations

import io
import json
import socket
import threading
import wave
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from asr.remote import RemoteASRError, RemoteTranscriber, check_endpoint, parse_segments
from core.errors import ModelError
from tests.sync.stand_ins import ProxyTrap, intranet_pki, server_tls

RATE = 16000


def speech_like(path, spans: list[tuple[float, float]], seconds: float):
    """A 16 kHz WAV with a tone in `spans` and silence elsewhere: pauses where a piece may be cut."""
    samples = np.zeros(int(seconds * RATE), dtype=np.float32)
    for start, end in spans:
        t = np.arange(int(start * RATE), int(end * RATE))
        samples[t] = 0.3 * np.sin(2 * np.pi * 220 * t / RATE)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return path


class FakeServer:
    """Parses each multipart request, records it, and answers with `respond(request) -> (status, body)`."""

    def __init__(self, respond=None):
        self.requests: list[dict] = []
        self.respond = respond or self.verbose_json
        self.text = "會議決定，由劉芳同志負責。"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                message = BytesParser(policy=HTTP).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
                fields, files = {}, {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    if part.get_filename():
                        files[name] = part.get_payload(decode=True)
                    else:
                        fields[name] = part.get_content().strip()
                request = {"path": self.path, "headers": dict(self.headers), "fields": fields, "files": files}
                if "file" in files:
                    with wave.open(io.BytesIO(files["file"])) as w:
                        request["rate"], request["channels"] = w.getframerate(), w.getnchannels()
                        request["seconds"] = w.getnframes() / w.getframerate()
                server.requests.append(request)
                status, payload = server.respond(request)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def verbose_json(self, request):
        end = request["seconds"] - 0.25
        return 200, json.dumps({
            "task": "transcribe", "language": "zh", "duration": request["seconds"], "text": self.text,
            "segments": [{"id": 0, "start": 0.5, "end": end, "text": self.text,
                          "avg_logprob": -0.2, "no_speech_prob": 0.01}],
        }, ensure_ascii=False).encode()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def audio(tmp_path):
    # 10 s: speech, a pause at 3.5-4.5 s, speech, a pause at 8-9 s, speech.
    return speech_like(tmp_path / "m.wav", [(0.0, 3.5), (4.5, 8.0), (9.0, 10.0)], 10.0)


def test_pieces_are_cut_in_pauses_and_timestamps_shifted(audio):
    with FakeServer() as server:
        segments = list(RemoteTranscriber(server.url, "large-v3", piece_seconds=5.0).transcribe(audio))
    seconds = [r["seconds"] for r in server.requests]
    assert len(seconds) == 3 and sum(seconds) == pytest.approx(10.0, abs=0.01)
    assert 3.5 <= seconds[0] <= 4.5 and 8.0 <= seconds[0] + seconds[1] <= 9.0  # cut in the pauses
    offsets = np.cumsum([0.0, *seconds[:-1]])
    assert [s.start for s in segments] == pytest.approx([o + 0.5 for o in offsets], abs=0.002)
    assert [s.end for s in segments] == pytest.approx(
        [o + d - 0.25 for o, d in zip(offsets, seconds, strict=True)], abs=0.002)
    for request in server.requests:
        assert request["path"] == "/v1/audio/transcriptions"
        assert (request["rate"], request["channels"]) == (16000, 1)
        assert request["fields"] == {"model": "large-v3", "language": "zh", "response_format": "verbose_json",
                                     "timestamp_granularities[]": "segment", "temperature": "0"}
        assert "authorization" not in {k.lower() for k in request["headers"]}


def test_traditional_output_becomes_simplified_and_names_corrected(audio):
    with FakeServer() as server:
        server.text = "會議決定，由劉方同志負責，十二月二十日前完成。"
        segments = list(RemoteTranscriber(server.url, "m").transcribe(audio, hotwords=["刘芳"], names=["刘芳"]))
    assert len(server.requests) == 1  # 10 s fit in one piece
    assert segments[0].text == "会议决定，由刘芳同志负责，12月20日前完成。"


def test_bearer_token_is_sent_and_never_shown(audio):
    with FakeServer() as server:
        transcriber = RemoteTranscriber(server.url + "/v1/", "m", token="s3cret")
        list(transcriber.transcribe(audio))
    assert server.requests[0]["headers"]["Authorization"] == "Bearer s3cret"
    assert "s3cret" not in repr(transcriber)


@pytest.mark.parametrize(("status", "words"), [
    (401, "令牌"), (403, "令牌"), (413, "片段过大"), (500, "内部错误"), (404, "/v1/audio/transcriptions"),
])
def test_http_errors_become_chinese_messages(audio, status, words):
    with FakeServer(lambda r: (status, b'{"error": {"message": "nope"}}')) as server, \
            pytest.raises(RemoteASRError, match=words) as caught:
        list(RemoteTranscriber(server.url, "m").transcribe(audio))
    assert isinstance(caught.value, ModelError)
    assert len(server.requests) == 1  # not resent


def test_a_server_with_a_small_upload_limit_gets_shorter_pieces(tmp_path):
    # 80 s of speech in 5 s stretches with 1 s pauses; the server refuses more than 25 s of audio.
    audio = speech_like(tmp_path / "long.wav", [(t, t + 5.0) for t in range(0, 75, 6)], 80.0)

    def limited(request):
        return (413, b"too large") if request["seconds"] > 25 else server.verbose_json(request)

    with FakeServer(limited) as server:
        segments = list(RemoteTranscriber(server.url, "m", piece_seconds=40.0).transcribe(audio))
    refused = [r["seconds"] for r in server.requests if r["seconds"] > 25]
    sent = [r["seconds"] for r in server.requests if r["seconds"] <= 25]
    assert len(refused) == 1  # learned once: the next 40 s piece is split before it is sent
    assert sum(sent) == pytest.approx(80.0, abs=0.01) and len(sent) == len(segments) >= 4
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:], strict=False))  # in time order


def test_unavailable_server_gets_the_piece_once_more_then_stops(audio):
    with FakeServer(lambda r: (503, b"busy")) as server, pytest.raises(RemoteASRError, match="暂时不可用"):
        list(RemoteTranscriber(server.url, "m", piece_seconds=5.0).transcribe(audio))
    assert len(server.requests) == 2  # the first piece twice; the meeting is not resent


def test_a_transient_failure_is_recovered_by_one_resend(audio):
    answers = iter([(502, b"")])

    def flaky(request):
        return next(answers, None) or server.verbose_json(request)

    with FakeServer(flaky) as server:
        segments = list(RemoteTranscriber(server.url, "m").transcribe(audio))
    assert len(server.requests) == 2 and len(segments) == 1


def test_malformed_json_is_reported(audio):
    with FakeServer(lambda r: (200, b"<html>nginx</html>")) as server, pytest.raises(RemoteASRError, match="JSON"):
        list(RemoteTranscriber(server.url, "m").transcribe(audio))


def test_refused_connection_is_reported(audio):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RemoteASRError, match="连接被拒绝"):
        list(RemoteTranscriber(f"http://127.0.0.1:{port}", "m").transcribe(audio))


def test_no_answer_within_the_timeout_is_reported(audio):
    release = threading.Event()

    def stall(request):
        release.wait(5)
        return 200, b"{}"

    with FakeServer(stall) as server:
        try:
            with pytest.raises(RemoteASRError, match="没有响应"):
                list(RemoteTranscriber(server.url, "m", timeout=0.3).transcribe(audio))
        finally:
            release.set()


def test_endpoint_forms_and_transport_rules():
    for given in ("https://asr.example.cn", "https://asr.example.cn/v1", "https://asr.example.cn/v1/",
                  "https://asr.example.cn/v1/audio/transcriptions"):
        assert check_endpoint(given) == "https://asr.example.cn/v1/audio/transcriptions"
    assert check_endpoint("http://localhost:8000").startswith("http://localhost:8000/")
    assert check_endpoint("http://127.0.0.2:8000/v1") == "http://127.0.0.2:8000/v1/audio/transcriptions"
    assert check_endpoint("http://[::1]:8000").startswith("http://[::1]:8000/")
    for unsafe in ("http://asr.example.cn/v1", "http://8.8.8.8/v1", "ftp://10.0.0.1", "", "https://u:p@h.cn"):
        with pytest.raises(RemoteASRError):
            check_endpoint(unsafe)


@pytest.mark.parametrize("url", ["http://10.1.2.3:8000/v1", "http://192.168.1.5/v1", "http://172.16.0.9/v1",
                                 "http://127.0.0.1.example.cn/v1", "http://0.0.0.0:8000"])
def test_plain_http_off_this_machine_is_refused_in_chinese_even_on_the_intranet(url, monkeypatch):
    """The shared policy (core.net_policy): meeting audio and the token never travel unencrypted."""
    monkeypatch.setenv("SANHUI_ASR_TOKEN", "tok")
    with pytest.raises(RemoteASRError, match="未加密.*只允许 https.*仅限本机"):
        RemoteTranscriber(url, "m", token="tok")


def test_proxies_are_not_used_for_the_loopback_server(audio, monkeypatch):
    with ProxyTrap() as trap, FakeServer() as server:
        trap.install(monkeypatch)
        segments = list(RemoteTranscriber(server.url, "m", token="tok").transcribe(audio))
    assert segments and len(server.requests) >= 1 and trap.connections == 0
    assert server.requests[0]["headers"]["Authorization"] == "Bearer tok"


def test_https_is_verified_with_the_units_ca(audio, tmp_path):
    """A server certified by the unit's own CA: refused against the system store alone, accepted with the CA."""
    intranet_ca = intranet_pki(tmp_path)
    if intranet_ca is None:
        pytest.skip("openssl is not installed")
    with FakeServer() as server:
        server.httpd.socket = server_tls(intranet_ca).wrap_socket(server.httpd.socket, server_side=True)
        url = server.url.replace("http://", "https://")
        with pytest.raises(RemoteASRError, match="证书无法验证"):
            list(RemoteTranscriber(url, "m", token="tok").transcribe(audio))
        assert server.requests == []  # nothing, the token least of all, went to an unverified server
        segments = list(RemoteTranscriber(url, "m", token="tok", ca_file=str(intranet_ca / "ca.pem")).transcribe(audio))
    assert segments and server.requests[0]["headers"]["Authorization"] == "Bearer tok"


def test_text_only_answers_and_silence_inventions():
    one = parse_segments({"text": "好的"}, offset=60.0, duration=30.0)
    assert [(s.start, s.end, s.text) for s in one] == [(60.0, 90.0, "好的")]
    invented = {"segments": [{"start": 0, "end": 2, "text": "请不吝点赞订阅"},
                             {"start": 2, "end": 4, "text": "嗯", "no_speech_prob": 0.95, "avg_logprob": -1.5},
                             {"start": 4, "end": 99, "text": "散会"}]}
    assert [(s.start, s.end, s.text) for s in parse_segments(invented, 0.0, 10.0)] == [(4.0, 10.0, "散会")]
    with pytest.raises(RemoteASRError):
        parse_segments({"segments": [{"start": 0}]}, 0.0, 1.0)


def test_pipeline_runs_the_remote_engine_the_settings_chose(audio, tmp_path, monkeypatch):
    from app.pipeline import ProcessOptions, run
    from core.settings import Settings
    from core.types import Meeting

    monkeypatch.setenv("SANHUI_ASR_TOKEN", "tok")
    meeting = Meeting(title="测试支委会", date="2026-10-12", host="王建国", roster=["王建国", "刘芳"])
    with FakeServer() as server:
        server.text = "會議決定，由劉方同志負責本月底前收齊黨費。"
        settings = Settings(asr_engine="remote", asr_endpoint=server.url + "/v1", asr_remote_model="large-v3", diarize=False)
        options = ProcessOptions.from_settings(settings, save=False)
        result = run(audio, meeting, options)
    assert server.requests[0]["fields"]["model"] == "large-v3"
    assert server.requests[0]["headers"]["Authorization"] == "Bearer tok"
    assert [s.text for s in result.segments] == ["会议决定，由刘芳同志负责本月底前收齐党费。"]
    assert result.minutes.resolutions and result.minutes.resolutions[0].deadline == "2026-10-31"


def test_remote_engine_is_off_by_default(tmp_path):
    from app.pipeline import ProcessOptions, _transcriber
    from core.settings import Settings

    assert Settings().asr_engine == "local"
    options = ProcessOptions.from_settings(Settings(asr_endpoint="http://127.0.0.1:9"))
    assert type(_transcriber(options)).__name__ == "Transcriber"  # an endpoint alone sends nothing
    with pytest.raises(RemoteASRError, match="尚未设置"):
        _transcriber(ProcessOptions.from_settings(Settings(asr_engine="remote")))
