"""Check the frozen app the way a fresh, offline laptop would run it (make dist-check).

    python installers/dist_check.py dist/sanhui

Runs the bundle's `sanhui demo` with an empty home folder, no SANHUI_HOME, a bare environment (not the
venv) and, where the kernel allows, no network at all (a new network namespace with only loopback);
then checks result.json against the contract and opens minutes.docx. Runs `sanhui gui --smoke-test`
on the offscreen platform and, with Xvfb, on X11. Prints bundle size and cold-start times.
Exit status 0 only if every check that could run passed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from measure import BUDGET_MB, internal_dir, total_bytes  # noqa: E402
from net_trace import network_calls, trace_prefix  # noqa: E402

FORBIDDEN_IN_BUNDLE = (
    "torch", "torchaudio", "tensorflow", "transformers", "resemblyzer", "librosa", "numba", "llvmlite",
)


def offline_prefix() -> list[str]:
    """A command prefix that cuts the network (empty when this kernel forbids namespaces)."""
    unshare = shutil.which("unshare")
    if not unshare:
        return []
    for prefix in ([unshare, "--net"], [unshare, "--map-root-user", "--net"]):
        if subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return []


def bare_env(home: Path) -> dict[str, str]:
    """What a desktop session would pass, minus anything from this venv or the developer's settings."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "TMPDIR": str(home / "tmp"),
    }
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def drop_page_cache() -> bool:
    """Best effort, so 'cold start' means files read from disk; needs root outside a container."""
    try:
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        return True
    except OSError:
        return False


def check_result(out: Path) -> list[str]:
    problems = []
    result_path = out / "result.json"
    if not result_path.is_file():
        return ["result.json missing"]
    data = json.loads(result_path.read_text(encoding="utf-8"))
    try:
        sys.path.insert(0, str(ROOT))
        from tests.app.contract import check_result_contract
    except ImportError:  # outside a checkout: the essential fields only
        def check_result_contract(d: dict) -> None:
            assert d["schema"] == "sanhui.result/1" and d["segments"] and "minutes" in d

    try:
        check_result_contract(data)
    except (AssertionError, KeyError, TypeError) as exc:
        problems.append(f"result.json breaks the contract: {exc!r}")
    text = "".join(s.get("text", "") for s in data.get("segments", []))
    if len(text) < 50:
        problems.append(f"transcript suspiciously short ({len(text)} characters)")
    docx_path = out / "minutes.docx"
    if not docx_path.is_file():
        problems.append("minutes.docx missing")
    else:
        import docx

        body = "\n".join(p.text for p in docx.Document(str(docx_path)).paragraphs)
        tables = "\n".join(c.text for t in docx.Document(str(docx_path)).tables for r in t.rows for c in r.cells)
        if data["meeting"]["branch"] not in body + tables:
            problems.append("minutes.docx does not name the branch of the meeting")
    return problems


@contextlib.contextmanager
def xvfb_display(screen: str = "1366x768x24") -> Iterator[str | None]:
    """A virtual X display (":N", or None when Xvfb did not start) for as long as the block runs;
    Xvfb picks a free display number and writes it to a pipe."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(write_fd,))
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as numbers:
            number = numbers.readline().strip()
        yield f":{number}" if number else None
    finally:
        xvfb.terminate()
        xvfb.wait()


def smoke_on_xvfb(exe: Path, env: dict[str, str], offline: list[str], timeout: float = 300) -> str | None:
    """`sanhui gui --smoke-test` on a virtual X display with the xcb plugin, the one a Linux desktop
    uses (its libraries must be in the bundle too). Returns None when it passed, else what went wrong."""
    with xvfb_display() as display:
        if display is None:
            return "Xvfb did not start"
        gui_env = {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        proc, seconds = run_timed([*offline, str(exe), "gui", "--smoke-test"], gui_env, timeout=timeout)
        print(f"GUI smoke test on Xvfb (xcb): exit {proc.returncode} in {seconds:.1f} s  {proc.stdout.strip()}")
        return None if proc.returncode == 0 else f"on Xvfb: {(proc.stderr or proc.stdout).strip()[-800:]}"


def check_gui(exe: Path, env: dict[str, str], offline: list[str]) -> list[str]:
    """The frozen app's own `gui --smoke-test`: opens the main window, exits 0 once it is shown."""
    help_gui = subprocess.run([str(exe), "gui", "--help"], env=env, capture_output=True, text=True)
    if help_gui.returncode != 0 or "--smoke-test" not in help_gui.stdout:
        return ["this build has no `sanhui gui --smoke-test`"]
    trace = Path(env["TMPDIR"]) / "gui.strace"
    proc, seconds = run_timed([*trace_prefix(trace), *offline, str(exe), "gui", "--smoke-test"], env, timeout=300)
    if network_calls(trace):
        return [f"the window tried to reach the network: {network_calls(trace)[0][:300]}"]
    print(f"GUI smoke test on the offscreen platform: exit {proc.returncode} in {seconds:.1f} s  {proc.stdout.strip()}")
    problems = [] if proc.returncode == 0 else [f"GUI smoke test failed: {(proc.stderr or proc.stdout).strip()[-800:]}"]
    if shutil.which("Xvfb"):
        problem = smoke_on_xvfb(exe, env, offline)
        problems += [] if problem is None else [f"GUI smoke test failed {problem}"]
    else:
        print("GUI on X11: SKIPPED - no Xvfb here (apt install xvfb)")
    return problems


def run_timed(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return proc, time.perf_counter() - start


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else ROOT / "dist" / "sanhui").resolve()
    exe = bundle / "sanhui"
    if not exe.is_file():
        print(f"{exe} not found: run `make dist` first", file=sys.stderr)
        return 2
    failures: list[str] = []
    inner = internal_dir(bundle)
    size_mb = total_bytes(bundle) / 1e6
    print(f"bundle: {bundle}  {size_mb:.1f} MB unpacked (budget {BUDGET_MB} MB)")
    if size_mb > BUDGET_MB:
        failures.append(f"bundle is {size_mb:.0f} MB, over the {BUDGET_MB} MB budget")
    stray = [name for name in FORBIDDEN_IN_BUNDLE if (inner / name).exists()]
    if stray:
        failures.append(f"unused heavy packages in the bundle: {', '.join(stray)}")

    offline = offline_prefix()
    print("network:", "cut (new network namespace)" if offline else "NOT cut (no namespaces here)")
    with tempfile.TemporaryDirectory(prefix="sanhui-dist-check-") as tmp:
        home, out = Path(tmp) / "home", Path(tmp) / "out"
        home.mkdir()
        env = bare_env(home)

        cold = drop_page_cache()
        proc, seconds = run_timed([*offline, str(exe), "--help"], env, timeout=120)
        print(f"start-up (`sanhui --help`, {'cold' if cold else 'warm'} cache): {seconds:.2f} s")
        if proc.returncode != 0:
            failures.append(f"`sanhui --help` exited {proc.returncode}: {proc.stderr.strip()[-500:]}")

        cold = drop_page_cache()
        trace = Path(tmp) / "demo.strace"
        traced = trace_prefix(trace)
        proc, seconds = run_timed([*traced, *offline, str(exe), "demo", "--out", str(out)], env, timeout=1200)
        calls = network_calls(trace)
        print("network attempts during `sanhui demo`:", len(calls) if traced else "NOT checked (no strace)")
        if calls:
            failures.append(f"`sanhui demo` tried to reach the network {len(calls)} time(s): {calls[0][:300]}")
        print(f"`sanhui demo` from the bundle ({'cold' if cold else 'warm'} cache, first run, empty home): "
              f"{seconds:.1f} s wall")
        if proc.returncode != 0:
            failures.append(f"`sanhui demo` exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        else:
            timings = json.loads((out / "result.json").read_text(encoding="utf-8")).get("timings", {})
            print("  stage timings (s):", json.dumps({k: round(v, 1) for k, v in timings.items()}))
            if "total" in timings:
                print(f"  outside the pipeline (start-up, imports, model lookup, writing): "
                      f"{seconds - timings['total']:.1f} s")
            failures += check_result(out)
            data_dir = home / ".local" / "share" / "sanhui"
            print(f"  data folder created at {data_dir}: {data_dir.is_dir()}")
            models = data_dir / "models"
            copied = sum(p.stat().st_size for p in models.rglob("*") if p.is_file()) if models.is_dir() else 0
            print(f"  model bytes copied into the data folder: {copied / 1e6:.1f} MB")

        failures += check_gui(exe, env, offline)

    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    print("dist-check:", "passed" if not failures else f"{len(failures)} failure(s)")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
