"""Executors past one machine: a Dask cluster (`dask://HOST:8786`) or a Ray cluster (`ray://HOST:10001`)."""

from __future__ import annotations

import importlib
import logging
from concurrent.futures import Executor, Future, InvalidStateError
from concurrent.futures import wait as futures_wait
from contextlib import contextmanager
from typing import Iterator

from .errors import EXIT_USAGE, ParolekitError

INSTALL = "pip install 'parolekit[dask]'"
RAY_INSTALL = "pip install 'parolekit[ray]'"
SCHEMES = ("dask://", "tcp://", "tls://")
RAY = "ray://"
CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer within this is reported, not waited for


class ExecutorError(ParolekitError):
    """--executor names nothing parolekit can run builds on (exit 2)."""

    exit_code = EXIT_USAGE


def executor_for(address: str):
    """A context giving a `concurrent.futures.Executor` whose work runs on the cluster at
    *address*, disconnected after.

    `dask://HOST:PORT` (or the scheduler's own `tcp://` / `tls://` address) connects a Dask
    `distributed.Client` and gives its `get_executor()`; `ray://HOST:PORT` connects to a Ray
    cluster's client server and runs each build as a Ray task. Either way every worker must see
    the case folders and the output folders at the same paths as this machine (shared storage).
    """
    if address.startswith(RAY):
        return _ray(address)
    if not address.startswith(SCHEMES):
        raise ExecutorError(f"--executor '{address}' is not a cluster address parolekit knows; give "
                            "the Dask scheduler as dask://HOST:8786 or a Ray cluster as ray://HOST:10001")
    return _dask(address)


def _engine(address: str, module: str, engine: str, package: str, install: str):
    """The cluster engine's module, or a usage error saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExecutorError(f"--executor {address} runs the builds on a {engine} cluster, which needs "
                            f"the '{package}' package: {install}") from None


@contextmanager
def _dask(address: str) -> Iterator[Executor]:
    Client = _engine(address, "distributed", "Dask", "distributed", INSTALL).Client
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


@contextmanager
def _ray(address: str) -> Iterator[Executor]:
    ray = _engine(address, "ray", "Ray", "ray[client]", RAY_INSTALL)
    try:
        # Ray's own log lines would interleave with the build report: errors only, none from workers.
        ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False)
    except (ConnectionError, OSError, TimeoutError) as e:
        raise ExecutorError(f"cannot reach the Ray cluster at {address} ({type(e).__name__}); start it "
                            "with `ray start --head` (see docs/scale.md) or check the address") from None
    except (ValueError, RuntimeError) as e:  # it answered, and refused: versions, a bad address
        why = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        raise ExecutorError(f"the Ray cluster at {address} refused this client: {why}. Install the "
                            "same Ray and Python versions here as on the cluster") from None
    try:
        yield RayExecutor(ray)
    finally:
        ray.shutdown()


class RayExecutor(Executor):
    """`concurrent.futures` over Ray: each call is one Ray task. Ray schedules it, retries it if
    its worker is lost and returns its result; this only adapts the interface, as Dask's
    `Client.get_executor()` does. Cancelling a future cancels its task."""

    def __init__(self, ray) -> None:
        self._ray = ray
        self._remote: dict = {}  # one Ray remote function per Python function
        self._pending: set[Future] = set()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self._ray.remote(fn)
        ref = remote.remote(*args, **kwargs)
        # Our own future: Ray's (ObjectRef.future()) is never marked running, and setting the
        # result of one cancelled meanwhile raises in Ray's callback thread.
        future: Future = Future()
        self._pending.add(future)

        def settled(task: Future) -> None:
            self._pending.discard(future)
            if future.cancelled():
                return
            try:
                if task.cancelled():
                    future.cancel()
                elif task.exception() is not None:
                    future.set_exception(task.exception())
                else:
                    future.set_result(task.result())
            except InvalidStateError:  # cancelled between the check and now
                pass

        def cancelled(f: Future) -> None:
            if f.cancelled():
                self._pending.discard(f)
                self._ray.cancel(ref)

        future.add_done_callback(cancelled)
        ref.future().add_done_callback(settled)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for future in list(self._pending):
                future.cancel()
        if wait:
            futures_wait(list(self._pending))
