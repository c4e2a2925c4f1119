"""A local Prefect API server, started and supervised for the length of a command.

Schedules (``kornews serve``) need a real Prefect server: the ephemeral API that
``kornews run`` uses lives only as long as one flow run and refuses deployments.
When no ``PREFECT_API_URL`` is set, :func:`local_prefect_server` starts
``prefect server start`` on loopback, on a free port, with its own
``PREFECT_HOME`` (its SQLite database and logs live there, away from the user's
profile), waits until ``/api/health`` answers, and stops it on exit: normal
return, an exception, Ctrl-C, or SIGTERM turned into one by the caller.

On Linux the server is also asked to die with its parent (``PR_SET_PDEATHSIG``),
so even a ``kill -9`` of kornews leaves no server listening.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

import httpx

from models.errors import Errors, KornewsError

#: How long the server may take to answer ``/api/health``. Measured here: ~45 s
#: on a loaded 2-core machine the first time (database migrations), so generous.
DEFAULT_STARTUP_TIMEOUT = 180.0


class ServerError(KornewsError):
    """The local Prefect server could not be started."""


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` right now.

    Example:
        >>> 1024 <= free_port() <= 65535
        True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    # Linux only: SIGTERM the server when the process that started it dies.
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _server_env(home: Path, ui: bool = False) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    # Keep logging/analytics choices, drop anything pointing at another server or database.
    for key in ("PREFECT_LOGGING_LEVEL",):
        if key in os.environ:
            env[key] = os.environ[key]
    env.update({
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "true" if ui else "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
    })
    return env


def wait_healthy(api_url: str, timeout: float, process: Optional[subprocess.Popen] = None) -> None:
    """Poll ``{api_url}/health`` until it answers 200.

    Args:
        api_url: The API base, e.g. ``http://127.0.0.1:4200/api``.
        timeout: Seconds to wait in all.
        process: The server process; when it exits early we stop waiting.

    Raises:
        ServerError: ``[E034]`` when it did not answer in time or exited.
    """
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            last = f"the server exited with code {process.returncode}"
            break
        try:
            if httpx.get(f"{api_url}/health", timeout=5.0).status_code == 200:
                return
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    raise ServerError(Errors.E034.format(url=api_url, timeout=timeout, detail=last))


def stop_process(process: subprocess.Popen, grace: float = 15.0) -> None:
    """Terminate ``process`` and its process group: SIGTERM, then SIGKILL after ``grace`` s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


@contextlib.contextmanager
def local_prefect_server(home: Optional[Path] = None, port: Optional[int] = None,
                         startup_timeout: float = DEFAULT_STARTUP_TIMEOUT,
                         log_path: Optional[Path] = None, ui: bool = False) -> Iterator[str]:
    """Run ``prefect server start`` on 127.0.0.1 for the body of a ``with`` block.

    Args:
        home: ``PREFECT_HOME`` of the server (its SQLite database). Default: a
            temporary folder removed on exit. Pass a lasting folder (e.g.
            ``OUT/_state/prefect``) to keep run history between restarts.
        port: TCP port; default a free one.
        startup_timeout: Seconds to wait for ``/api/health``.
        log_path: Where the server's stdout/stderr go (default ``home/server.log``).
        ui: serve Prefect's web UI too (``kornews ui``).

    Returns:
        (yields) The API URL, e.g. ``http://127.0.0.1:43125/api``, to set as
        ``PREFECT_API_URL``.

    Raises:
        ServerError: ``[E034]`` when the server did not come up; it is stopped
            and its log tail is in the message.

    Example:
        >>> with local_prefect_server() as api:  # doctest: +SKIP
        ...     os.environ["PREFECT_API_URL"] = api
    """
    tmp = None
    if home is None:
        tmp = tempfile.mkdtemp(prefix="kornews-prefect-")
        home = Path(tmp)
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    log_path = Path(log_path) if log_path else home / "server.log"
    prefect_bin = Path(sys.executable).with_name("prefect")
    command = ([str(prefect_bin)] if prefect_bin.exists() else [sys.executable, "-m", "prefect"]) + [
        "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log = open_server_log(log_path)
    process = subprocess.Popen(command, env=_server_env(home, ui), stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_die_with_parent)
    try:
        try:
            wait_healthy(api_url, startup_timeout, process)
        except ServerError as exc:
            log.flush()
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise ServerError(f"{exc}\n--- {log_path} ---\n{tail}") from None
        yield api_url
    finally:
        stop_process(process)
        log.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _uvicorn_command(port: int) -> list[str]:
    # what Prefect's own ephemeral server runs (prefect.server.api.server.SubprocessASGIServer)
    import prefect

    return [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(prefect.__file__).resolve().parent.parent),
            "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]


@contextlib.contextmanager
def ephemeral_server(startup_timeout: float = DEFAULT_STARTUP_TIMEOUT) -> Iterator[str]:
    """Prefect's ephemeral API for one command, started and stopped by us.

    The same server Prefect would start itself (uvicorn over the API app, its
    database in the current ``PREFECT_HOME``), but a child we supervise: it dies
    with this process (``PR_SET_PDEATHSIG``, even on SIGKILL), lives in its own
    process group, and is stopped when the block exits, a signal included.
    Prefect's own starts it in a way that outlives a killed ``kornews run``.

    Returns:
        (yields) The API URL, e.g. ``http://127.0.0.1:43125/api``.
    """
    from prefect.settings import get_current_settings

    port = free_port()
    env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True),
           "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    api_url = f"http://127.0.0.1:{port}/api"
    process = subprocess.Popen(_uvicorn_command(port), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True, preexec_fn=_die_with_parent)
    try:
        try:
            wait_healthy(api_url, startup_timeout, process)
        except ServerError as exc:
            stop_process(process, grace=5)
            tail = process.stderr.read().decode("utf-8", "replace")[-2000:] if process.stderr else ""
            raise ServerError(f"{exc}\n{tail}".rstrip()) from None
        yield api_url
    finally:
        stop_process(process, grace=10)
        if process.stderr:
            process.stderr.close()


def prefect_home() -> Path:
    """The ``PREFECT_HOME`` whose database records the runs of ``kornews run`` and ``reprocess``."""
    from prefect.settings import get_current_settings

    return Path(get_current_settings().home).expanduser()


def _server_log() -> Path:
    return prefect_home() / "kornews-server.log"


@contextlib.contextmanager
def prefect_api(shared: bool = False) -> Iterator[str]:
    """One real Prefect API for the body of a ``with``, set for Prefect and child processes.

    The current settings' ``PREFECT_API_URL`` when set (environment, profile or a
    test harness); else a server we start and stop: the ephemeral API
    (:func:`ephemeral_server`, for ``kornews run``), or with ``shared`` a
    ``prefect server start`` (:func:`local_prefect_server`, for ``reprocess``,
    whose worker processes report to it; without one, each would start its own).

    Returns:
        (yields) the API URL, e.g. ``http://127.0.0.1:43125/api``.
    """
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    url = get_current_settings().api.url
    with contextlib.ExitStack() as stack:
        if not url:
            # reprocess's server keeps its runs where `kornews run` keeps them (PREFECT_HOME), so that
            # `kornews ui` shows both
            url = stack.enter_context(local_prefect_server(home=prefect_home(), log_path=_server_log())
                                      if shared else ephemeral_server())
        env_before = os.environ.get("PREFECT_API_URL")
        # The environment reaches spawned workers; the global settings context reaches
        # Prefect's own threads (the process pool's log/event forwarding), which do not
        # inherit context variables and would otherwise start an ephemeral server.
        os.environ["PREFECT_API_URL"] = url
        refresh_global_settings_context()
        try:
            with temporary_settings(updates={PREFECT_API_URL: url}):
                yield url
                _drain_prefect_services()
        finally:
            if env_before is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = env_before
            refresh_global_settings_context()


def _drain_prefect_services() -> None:
    # Prefect ships logs and events from background services; they would otherwise
    # flush at interpreter exit, after this API is gone, and start an ephemeral one.
    try:
        from prefect._internal.concurrency.services import QueueService

        QueueService.drain_all(timeout=10)
    except Exception:  # noqa: BLE001 - best effort; only log shipping is at stake
        pass


#: A server log past this size is rotated when a server starts: one older log is kept.
SERVER_LOG_MAX_BYTES = 1024 * 1024


def open_server_log(path: Path, max_bytes: int = SERVER_LOG_MAX_BYTES):
    """Open a server's log for appending, rotating it first when it outgrew ``max_bytes``
    (``server.log`` -> ``server.log.1``, replacing the older one): a log shared by every
    run of a ``PREFECT_HOME`` must not grow without bound."""
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            os.replace(path, path.with_name(path.name + ".1"))
    except FileNotFoundError:
        pass
    return open(path, "ab")


def flush_api_logs() -> None:
    """Send the log records still queued for the API now, while its server runs: after
    the server stops, Prefect would print "Error logging to API" under the command's
    last line."""
    try:
        from prefect.logging.handlers import APILogHandler

        APILogHandler.flush()
    except Exception:  # noqa: BLE001 - flushing logs must never end a command
        pass
