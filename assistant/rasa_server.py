"""The Rasa server of the assistant: ``rasa run`` with this project's changes, in one or several worker processes.

    python -m assistant.rasa_server run --model … --endpoints … --credentials …

Started by the supervisor (``assistant.supervisor``), never by hand.  Log lines are redacted
(``assistant.redaction``) and Rasa's behaviour changes (``assistant.rasa_patches``) are applied
before Rasa's own command line runs.

With ``SANIC_WORKERS`` = N > 1 (the supervisor allows it only with Redis locks), this process
imports Rasa once, then forks N workers, each a single-worker Rasa server listening on the same
port with SO_REUSEPORT, so the kernel spreads connections across them (Sanic's own multi-worker
mode sent 20 simultaneous clients 20 : 1 to one worker).  A worker that dies is forked again
(back-off 1 s, doubling to 30 s); SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import Dict, List

from assistant import rasa_patches, redaction

MAX_BACKOFF = 30.0


def _run_rasa(argv: List[str]) -> None:
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *argv]
    rasa_main()


def _fork_worker(argv: List[str]) -> int:
    pid = os.fork()
    if pid == 0:  # the worker: a plain single-worker Rasa server on the shared port
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        code = 0
        try:
            _run_rasa(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001 - reported, then the worker ends and is forked again
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return pid


def _log(line: str) -> None:
    print(f"[rasa_server {time.strftime('%H:%M:%S')}] {line}", flush=True)


def run_workers(count: int, argv: List[str]) -> int:
    """Fork ``count`` workers and keep them running until SIGTERM / SIGINT."""
    os.environ["SANIC_WORKERS"] = "1"  # each worker is a single-worker server; Rasa's own check is moot
    rasa_patches.share_port()
    import rasa.__main__  # noqa: F401  - imported once here, shared by the forked workers

    stopping = {"now": False}

    def stop(*_: object) -> None:
        stopping["now"] = True
        for pid in list(workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    workers: Dict[int, float] = {}
    backoff = 1.0
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(count):
        workers[_fork_worker(argv)] = time.monotonic()
    _log(f"{count} workers: pids {', '.join(map(str, workers))}")
    while workers:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        started = workers.pop(pid, None)
        if started is None or stopping["now"]:
            continue
        how = (
            f"signal {-os.waitstatus_to_exitcode(status)}"
            if os.WIFSIGNALED(status)
            else f"exit {os.waitstatus_to_exitcode(status)}"
        )
        backoff = 1.0 if time.monotonic() - started > 60 else min(MAX_BACKOFF, backoff * 2)
        _log(f"worker {pid} ended ({how}); starting another in {backoff:.0f} s")
        time.sleep(backoff)
        if not stopping["now"]:
            new = _fork_worker(argv)
            workers[new] = time.monotonic()
            _log(f"worker {new} started")
    return 0


def rasa_arguments(argv: List[str], token: str) -> List[str]:
    """``rasa run``'s arguments with the HTTP API token from the environment.

    Joined with ``=``: argparse takes a separate value that begins with ``-`` (one
    ``secrets.token_urlsafe`` token in 64) for an option and exits with code 2.
    """
    return [*argv, f"--auth-token={token}"] if token else list(argv)


def main() -> None:
    redaction.install()
    rasa_patches.apply()
    argv = rasa_arguments(sys.argv[1:], os.environ.pop("RASA_API_TOKEN", ""))
    try:
        count = int(os.environ.get("SANIC_WORKERS") or 1)
    except ValueError:
        count = 1
    if count > 1:
        sys.exit(run_workers(count, argv))
    _run_rasa(argv)


if __name__ == "__main__":
    main()
