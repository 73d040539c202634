"""Nothing leaves the machine unasked: the libraries' own telemetry is switched off before any of them loads.

onnxruntime (1.2x+, used by the Silero VAD and the speaker encoder) ships a 1DS client that keeps a device id and an
event store under ~/.cache/Microsoft/DeveloperTools/ and uploads to mobile.events.data.microsoft.com unless
ORT_DISABLE_TELEMETRY is set; huggingface_hub and others honour their own switches or DO_NOT_TRACK.
"""

from __future__ import annotations

import os

TELEMETRY_OFF = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
}


def quiet_libraries() -> None:
    """Set the switches (a value the user set is kept); child processes inherit them."""
    for name, value in TELEMETRY_OFF.items():
        os.environ.setdefault(name, value)
