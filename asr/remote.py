"""Recognition on a GPU server over the OpenAI-compatible API (speaches, vLLM, FunASR's server).

Off by default: nothing here runs unless the user chose the remote engine and gave an endpoint.
The meeting goes out in pieces of two minutes, each cut at a pause (asr.transcribe.quietest_cut) and
sent as 16 kHz mono WAV, so a long meeting neither times out nor sits in memory whole; each
piece's timestamps are shifted by its offset. The text gets the same clean-up and post-correction
as the local engine, so the minutes do not depend on where recognition ran.

Transport rules: the one network policy of core.net_policy, shared with the platform sync and the
LLM endpoint:
- https with certificate verification always on, plus the unit's own CA file when given;
- plain http only to this machine (127.0.0.0/8, ::1, localhost): meeting audio never travels
  unencrypted, not even on the intranet, and the token is never sent over unencrypted http;
- no proxies, no redirects followed (the token must not travel to another host), a timeout on every request;
- a piece that fails with a transient error (timeout, 502/503/504) is resent once, never the meeting.
The token comes from SANHUI_ASR_TOKEN or the OS keyring; it is never written to a file or a log.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import math
import os
import socket
import ssl
import uuid
import wave
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import numpy as np

from asr.decode import SAMPLE_RATE
from core import net_policy
from core.errors import ModelError
from core.tls import verified_context
from core.types import Segment
from core.zh import clock

log = logging.getLogger(__name__)

TOKEN_ENV = "SANHUI_ASR_TOKEN"
KEYRING_SERVICE = "sanhui-asr"
KEYRING_USER = "token"
API_PATH = "/v1/audio/transcriptions"
# 2 minutes = 3.8 MB of WAV: under common upload limits, seconds of GPU work. Against a plain
# faster-whisper base server (bench/remote_asr.py) m01/m02 CER was 6.4/8.9 % with 120 s pieces,
# 7.0/8.9 % with 60 s and 8.0/9.2 % with 180 s (the local engine: 7.4/8.9 %).
PIECE_SECONDS = 120.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
TRANSIENT_STATUS = (502, 503, 504)
ATTEMPTS = 2  # per piece: one resend after a transient failure, then the user is told
MIN_PIECE_SECONDS = 10.0  # a server refusing the size (413) gets pieces halved down to this long


class RemoteASRError(ModelError):
    """The recognition server could not be used; str() is a Chinese sentence for the secretary."""


def check_endpoint(endpoint: str) -> str:
    """The transcription URL for `endpoint`, given with or without /v1; RemoteASRError when unsafe."""
    url = (endpoint or "").strip().rstrip("/")
    if not url:
        raise RemoteASRError("尚未设置语音识别服务器地址：请在“设置 → 语音识别”中填写，例如 https://asr.单位内网:8000/v1")
    parts = net_policy.check_url(url, what="语音识别服务器地址", error=RemoteASRError, protects="会议录音")
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH):
        path = path[: -len(API_PATH)]
    elif path.endswith("/v1"):
        path = path[: -len("/v1")]
    return f"{parts.scheme}://{parts.netloc}{path}{API_PATH}"


def get_token() -> str | None:
    """The server's token from SANHUI_ASR_TOKEN, else the OS keyring; None when there is none."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or None
    except Exception:  # no keyring backend on a headless machine, or a locked one
        log.info("keyring unavailable for the ASR token")
        return None


def set_token(token: str) -> None:
    """Store the server's token in the OS keyring; never in a file."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
    except Exception:
        raise RemoteASRError(f"本机没有可用的系统密钥环，无法保存令牌：请改用环境变量 {TOKEN_ENV}。") from None


def pieces(audio, piece_seconds: float) -> Iterator[tuple[float, np.ndarray]]:
    """(offset seconds, samples) pieces of at most piece_seconds from a streamed decode, each cut at
    the quietest moment in its last third, so no word is split between two requests."""
    from asr.decode import iter_chunks
    from asr.transcribe import quietest_cut

    limit = max(1, int(piece_seconds * SAMPLE_RATE))
    search = min(30.0, piece_seconds / 3)
    buffer = np.zeros(0, dtype=np.float32)
    consumed = 0
    for chunk in iter_chunks(audio, seconds=min(30.0, piece_seconds)):
        buffer = np.concatenate([buffer, chunk])
        while len(buffer) >= limit:
            cut = quietest_cut(buffer[:limit], search_seconds=search) or limit
            yield consumed / SAMPLE_RATE, buffer[:cut]
            consumed += cut
            buffer = buffer[cut:].copy()
    if len(buffer):
        yield consumed / SAMPLE_RATE, buffer


def wav_bytes(samples: np.ndarray) -> bytes:
    """float32 mono 16 kHz samples as a 16-bit PCM WAV file."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def multipart(fields: Sequence[tuple[str, str]], file_name: str, file_data: bytes) -> tuple[bytes, str]:
    """(body, content type) of a multipart/form-data request with text fields and one file."""
    boundary = f"sanhui-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
        f"Content-Type: audio/wav\r\n\r\n".encode()
    )
    parts.append(file_data)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _Transient(Exception):
    """A failure worth one resend of the same piece."""

    def __init__(self, error: RemoteASRError):
        super().__init__(str(error))
        self.error = error


class _TooLarge(Exception):
    """The server refused the piece's size (413)."""

    def __init__(self, error: RemoteASRError):
        super().__init__(str(error))
        self.error = error


class RemoteTranscriber:
    """Same contract as asr.transcribe.Transcriber: transcribe(audio, hotwords, names) -> Segments."""

    def __init__(self, endpoint: str, model: str, token: str | None = None, timeout: float = 300.0,
                 ca_file: str | None = None, piece_seconds: float = PIECE_SECONDS, correct: bool = True):
        self.url = check_endpoint(endpoint)  # fail before any audio is read
        self.model = (model or "").strip()
        self.token = token
        self.timeout = timeout
        self.ca_file = ca_file or None
        self.piece_seconds = piece_seconds
        self.correct = correct
        self._fits = math.inf  # seconds of audio the server accepted in one piece after refusing more (413)
        self._context: ssl.SSLContext | None = None

    def __repr__(self) -> str:  # never the token
        return f"RemoteTranscriber({self.url!r}, model={self.model!r})"

    def transcribe(self, audio, hotwords: Sequence[str] = (), names: Sequence[str] | None = None
                   ) -> Iterator[Segment]:
        """Yield Segments in time order (speaker left empty). Stop iterating to cancel.

        No prompt is sent: a naive initial prompt made Whisper worse on our meetings (issue #3), and
        the roster reaches the text through the same post-correction as the local engine.
        """
        from asr.transcribe import roster_names

        names = roster_names(hotwords) if names is None else [n for n in names if n]
        corrector = self._corrector(hotwords, names) if self.correct else None
        for offset, piece in pieces(audio, self.piece_seconds):
            for segment in self._piece_segments(piece, offset):
                if corrector is not None:
                    segment.text = corrector.correct(segment.text)
                yield segment

    def _piece_segments(self, piece: np.ndarray, offset: float) -> Iterator[Segment]:
        """Segments of one piece. A server whose upload limit is below the piece (413) gets it in two
        halves cut in a pause, and from then on every piece no longer than what it accepted."""
        duration = len(piece) / SAMPLE_RATE
        if duration <= self._fits:
            try:
                data = self._post_piece(wav_bytes(piece), offset)
            except _TooLarge as exc:
                if duration < 2 * MIN_PIECE_SECONDS:
                    raise exc.error from None
                self._fits = duration / 2  # at most: the halves are tried next, and what passes is kept
                log.warning("ASR server refused %.0f s of audio (413); sending shorter pieces", duration)
            else:
                if not math.isinf(self._fits):  # only a refusal sets a limit; what passes may raise it
                    self._fits = max(self._fits, duration)
                yield from parse_segments(data, offset, duration)
                return
        from asr.transcribe import quietest_cut

        third = len(piece) // 3
        cut = third + quietest_cut(piece[third : 2 * third], search_seconds=third / SAMPLE_RATE)
        yield from self._piece_segments(piece[:cut], offset)
        yield from self._piece_segments(piece[cut:], offset + cut / SAMPLE_RATE)

    @staticmethod
    def _corrector(hotwords: Sequence[str], names: Sequence[str]):
        from asr.correct import Corrector
        from asr.lexicon import correction_terms

        return Corrector(correction_terms(names, [w for w in hotwords if w not in names]), names=names)

    # -- HTTP ---------------------------------------------------------------------------------

    def _post_piece(self, wav: bytes, offset: float) -> dict:
        fields = [("model", self.model), ("language", "zh"), ("response_format", "verbose_json"),
                  ("timestamp_granularities[]", "segment"), ("temperature", "0")]
        if not self.model:
            fields = [f for f in fields if f[0] != "model"]  # servers with one model pick their own
        body, content_type = multipart(fields, f"piece-{int(offset)}.wav", wav)
        headers = {"Content-Type": content_type, "Accept": "application/json",
                   **net_policy.bearer(urlsplit(self.url), self.token, error=RemoteASRError, what="语音识别服务器")}
        for attempt in range(ATTEMPTS):
            try:
                return self._request(body, headers, offset)
            except _Transient as exc:
                if attempt + 1 == ATTEMPTS:
                    raise exc.error from None
                log.warning("ASR server: piece at %.0f s failed (%s); sending it once more", offset, exc)
        raise AssertionError("unreachable")

    def _connection(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.url)
        if parts.scheme == "https" and self._context is None:
            self._context = verified_context(self.ca_file, RemoteASRError)
        return net_policy.connection(parts, timeout=self.timeout, error=RemoteASRError, what="语音识别服务器",
                                     context=self._context)

    def _request(self, body: bytes, headers: dict[str, str], offset: float) -> dict:
        where = urlsplit(self.url).netloc
        at = clock(offset)
        conn = self._connection()
        try:
            conn.request("POST", urlsplit(self.url).path, body=body, headers=headers)
            resp = conn.getresponse()
            status = resp.status
            raw = resp.read(MAX_RESPONSE_BYTES + 1)
        except ssl.SSLCertVerificationError:
            raise RemoteASRError(
                f"语音识别服务器“{where}”的证书无法验证：如服务器使用单位自建的证书，请在设置中指定根证书文件。"
            ) from None
        except ssl.SSLError as exc:
            raise RemoteASRError(f"与语音识别服务器“{where}”的加密连接失败（{exc.reason or exc}）。") from None
        except ConnectionRefusedError:
            raise RemoteASRError(
                f"无法连接语音识别服务器“{where}”（连接被拒绝）：请确认服务已启动、地址和端口正确，或改用本机识别。"
            ) from None
        except socket.gaierror:
            raise RemoteASRError(f"找不到语音识别服务器“{where}”：请检查地址是否正确、网络是否连通。") from None
        except TimeoutError:
            raise _Transient(RemoteASRError(
                f"语音识别服务器“{where}”在 {self.timeout:.0f} 秒内没有响应（录音 {at} 处的片段）："
                f"服务器可能过忙，请稍后重试或改用本机识别。"
            )) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _Transient(RemoteASRError(
                f"与语音识别服务器“{where}”的连接中断（{type(exc).__name__}），录音 {at} 处的片段未能识别。"
            )) from None
        finally:
            conn.close()
        if status in (401, 403):
            raise RemoteASRError(
                f"语音识别服务器拒绝访问（{status}）：令牌错误、过期或无权限。"
                f"请在设置中重新录入令牌（保存在系统密钥环）或设置环境变量 {TOKEN_ENV}。"
            )
        if status == 413:
            raise _TooLarge(RemoteASRError(
                f"语音识别服务器拒收录音片段（413，片段过大，约 {len(body) / 2**20:.1f} MB，已试过拆成更短的片段）："
                f"请调大服务器的上传限制。"
            ))
        if status in TRANSIENT_STATUS:
            raise _Transient(RemoteASRError(f"语音识别服务器暂时不可用（{status}），请稍后重试或改用本机识别。"))
        if status >= 500:
            raise RemoteASRError(f"语音识别服务器内部错误（{status}），录音 {at} 处的片段未能识别：请联系服务器管理员。")
        if status == 404:
            raise RemoteASRError(
                f"语音识别服务器“{where}”上没有 {API_PATH} 接口（404）：请检查地址，或服务器是否兼容 OpenAI 接口。"
            )
        if status >= 400:
            raise RemoteASRError(f"语音识别服务器拒绝了请求（{status}）：{_server_message(raw)}")
        if len(raw) > MAX_RESPONSE_BYTES:
            raise RemoteASRError("语音识别服务器的响应过大，已放弃：请检查服务器配置。")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise RemoteASRError(
                "语音识别服务器返回的内容无法解析（不是 JSON）：请确认地址指向 OpenAI 兼容的转写接口。"
            ) from None
        if not isinstance(data, dict):
            raise RemoteASRError("语音识别服务器返回的内容格式不对（应为 JSON 对象）。")
        return data


def _server_message(raw: bytes) -> str:
    """The error text a server sent (OpenAI style {"error": {"message": ...}}), shortened."""
    try:
        data = json.loads(raw.decode("utf-8"))
        error = data.get("error", data.get("detail", data)) if isinstance(data, dict) else data
        message = error.get("message", error) if isinstance(error, dict) else error
        text = str(message)
    except (UnicodeDecodeError, ValueError):
        text = raw.decode("utf-8", "replace")
    return " ".join(text.split())[:200] or "（无说明）"


def _number(value, default: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if np.isfinite(number) else default


def parse_segments(data: dict, offset: float, duration: float) -> list[Segment]:
    """Segments of one piece's verbose_json answer, cleaned, in absolute time.

    A server that gives only "text" (no segments) yields one segment spanning the piece.
    """
    from asr.text import clean_text, collapse_repeats, is_hallucination

    raw = data.get("segments")
    if not isinstance(raw, list) or not raw:
        text = data.get("text")
        if not isinstance(text, str):
            raise RemoteASRError("语音识别服务器返回的内容缺少识别文本（text / segments）。")
        raw = [{"start": 0.0, "end": duration, "text": text}] if text.strip() else []
    segments: list[Segment] = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise RemoteASRError("语音识别服务器返回的分段格式不对（缺少 text）。")
        # Whisper's own guard against text invented in silence, when the server reports the figures.
        if _number(item.get("no_speech_prob"), 0.0) > 0.8 and _number(item.get("avg_logprob"), 0.0) < -1.0:
            continue
        text = collapse_repeats(clean_text(item["text"]))
        if not text or is_hallucination(text):
            continue
        start = min(max(_number(item.get("start"), 0.0), 0.0), duration)
        end = min(max(_number(item.get("end"), duration), start), duration)
        segments.append(Segment(start=round(offset + start, 3), end=round(offset + end, 3), text=text))
    segments.sort(key=lambda s: s.start)
    return segments
