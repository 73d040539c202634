"""User settings: a typed dataclass stored as JSON in the data folder, with a schema version."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from core import paths
from core.files import write_text_atomic

SCHEMA_VERSION = 1
log = logging.getLogger(__name__)


@dataclass
class Settings:
    model: str = "base"  # Whisper model name, looked up by asr.models.ModelRegistry
    device: str = "auto"  # "auto" (CUDA when CTranslate2 sees a GPU, else CPU), "cpu" or "cuda"
    compute_type: str = "int8"  # CTranslate2 quantisation; int8 is fastest on a laptop CPU
    beam_size: int = 5
    diarize: bool = True  # tell speakers apart (and name enrolled members)
    extra_hotwords: list[str] = field(default_factory=list)  # the branch's own terms and names
    minutes_engine: str = "rules"  # "rules" (built in) or "llm": a local model refines, the rules stay the fallback
    llm_model_dir: str = ""  # folder of a local instruction-tuned model (transformers), installed by the user
    llm_endpoint: str = ""  # or an OpenAI-compatible endpoint: https://llm.unit.example/v1 (core/net_policy: http only to loopback)
    llm_model: str = ""  # model name at that endpoint
    platform_url: str = ""  # party-building platform base URL, empty = sync off
    platform_ca: str = ""  # CA bundle for an intranet platform with its own certificate authority
    # Speech recognition on the unit's GPU server (asr.remote), off by default; its token lives in the
    # OS keyring or SANHUI_ASR_TOKEN, never here.
    asr_engine: str = "local"  # "local" (faster-whisper on this computer) or "remote"
    asr_endpoint: str = ""  # OpenAI-compatible server, e.g. https://asr.example:8000/v1 (with or without /v1)
    asr_remote_model: str = ""  # model name at that server, e.g. Systran/faster-whisper-large-v3
    asr_ca: str = ""  # CA bundle for that server; empty = the platform's (platform_ca), then the system's
    schema: int = SCHEMA_VERSION


def settings_path() -> Path:
    return paths.data_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """Read settings; a missing or damaged file gives the defaults rather than blocking the app."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("settings file %s unreadable (%s); using defaults", path, exc)
        return Settings()
    known = {f.name for f in fields(Settings)}
    settings = Settings(**{k: v for k, v in data.items() if k in known})
    settings.schema = SCHEMA_VERSION
    return settings


def save_settings(settings: Settings, path: Path | None = None) -> None:
    write_text_atomic(path or settings_path(), json.dumps(asdict(settings), ensure_ascii=False, indent=2))
