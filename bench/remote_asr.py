"""The remote engine end to end: asr.remote.RemoteTranscriber against a stand-in OpenAI-compatible
server on 127.0.0.1 that runs plain faster-whisper (as speaches does), beside the local engine.

    nice .venv/bin/python bench/remote_asr.py [--model base] [--piece 180] [m01 m02]

Prints CER (as ../shared/tools/score.py computes it), wall time and the number of requests per file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "../shared/corpus/synthetic"
# bench/asr.py would shadow the asr package: drop this folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.append(str(REPO / "../shared/tools"))  # after the repo: tools/ has its own asr.py


def serve(model):
    """A minimal /v1/audio/transcriptions: multipart in, verbose_json out."""
    calls = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            msg = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
            fields = {p.get_param("name", header="content-disposition"): p for p in msg.iter_parts()}
            with tempfile.NamedTemporaryFile(suffix=".wav") as f:
                f.write(fields["file"].get_payload(decode=True))
                f.flush()
                segs, info = model.transcribe(f.name, language=fields["language"].get_content().strip(),
                                              beam_size=5, vad_filter=True)
                segs = [{"id": i, "start": s.start, "end": s.end, "text": s.text, "avg_logprob": s.avg_logprob,
                         "no_speech_prob": s.no_speech_prob} for i, s in enumerate(segs)]
            calls.append(len(body))
            payload = json.dumps({"task": "transcribe", "language": "zh", "duration": info.duration,
                                  "text": "".join(s["text"] for s in segs), "segments": segs}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v1", calls


def main() -> None:
    from faster_whisper import WhisperModel
    from score import cer

    from asr.lexicon import meeting_hotwords
    from asr.models import ModelRegistry
    from asr.remote import RemoteTranscriber
    from asr.transcribe import Transcriber

    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", default=["m01", "m02"])
    parser.add_argument("--model", default="base")
    parser.add_argument("--piece", type=float, default=180.0)
    parser.add_argument("--no-local", action="store_true")
    args = parser.parse_args()
    path = ModelRegistry().find(args.model)
    httpd, url, calls = serve(WhisperModel(str(path), device="cpu", compute_type="int8"))
    engines = {"remote": RemoteTranscriber(url, args.model, piece_seconds=args.piece)}
    if not args.no_local:
        engines["local"] = Transcriber(path)
    for name in args.files:
        audio = next(p for p in CORPUS.glob(f"{name}.*") if p.suffix in (".wav", ".m4a") and ".enroll." not in p.name)
        truth = json.loads((CORPUS / f"{name}.truth.json").read_text(encoding="utf-8"))
        meta = json.loads((CORPUS / f"{name}.meta.json").read_text(encoding="utf-8"))
        names = list(dict.fromkeys([*meta.get("roster", []), meta.get("host", ""), meta.get("recorder", "")]))
        names = [n for n in names if n]
        hotwords = meeting_hotwords(names, meta.get("agenda", []), meta.get("type", ""))
        for engine, transcriber in engines.items():
            calls.clear()
            t0 = time.perf_counter()
            segs = list(transcriber.transcribe(audio, hotwords=hotwords, names=names))
            wall = time.perf_counter() - t0
            result = {"segments": [{"text": s.text} for s in segs]}
            extra = f"  requests {len(calls)}, {sum(calls) / 1e6:.1f} MB sent" if engine == "remote" else ""
            print(f"{name} {engine:<6} CER {cer(truth, result) * 100:5.1f} %  wall {wall:6.1f} s  "
                  f"segments {len(segs)}{extra}", flush=True)
    httpd.shutdown()


if __name__ == "__main__":
    main()
