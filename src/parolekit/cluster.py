"""Executors past one machine: a Dask cluster named by its scheduler's address (`dask://HOST:8786`)."""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Iterator

from .errors import EXIT_USAGE, ParolekitError

INSTALL = "pip install 'parolekit[dask]'"
SCHEMES = ("dask://", "tcp://", "tls://")
CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer within this is reported, not waited for


class ExecutorError(ParolekitError):
    """--executor names nothing parolekit can run builds on (exit 2)."""

    exit_code = EXIT_USAGE


@contextmanager
def executor_for(address: str) -> Iterator[Executor]:
    """A `concurrent.futures.Executor` whose work runs on the cluster at *address*, closed after.

    `dask://HOST:PORT` (or the scheduler's own `tcp://` / `tls://` address) connects a Dask
    `distributed.Client` and gives its `get_executor()`: every worker must see the case folders
    and the output folders at the same paths as this machine (shared storage).
    """
    if not address.startswith(SCHEMES):
        raise ExecutorError(f"--executor '{address}' is not a cluster address parolekit knows; give "
                            "the Dask scheduler as dask://HOST:8786")
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError(f"--executor {address} runs the builds on a Dask cluster, which needs the "
                            f"'distributed' package: {INSTALL}") from None
    target = "tcp://" + address[len("dask://"):] if address.startswith("dask://") else address
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise ExecutorError(f"cannot reach the Dask scheduler at {address} ({type(e).__name__}); start "
                            "it with `dask scheduler` (see docs/scale.md) or check the address") from None
    try:
        yield client.get_executor(pure=False)
    finally:
        client.close()
