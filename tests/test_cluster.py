"""Batches on any concurrent.futures.Executor, and on a Dask cluster: the same packets as local builds."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rich.console import Console

from factory import CASE_HEAD, manifest, text_pdf

from parolekit.batch import build_many


def _case(folder: Path, pages: int) -> Path:
    text_pdf(folder / "exhibits" / "letter.pdf", pages=pages, title=f"Letter {folder.name}")
    text_pdf(folder / "exhibits" / "report.pdf", pages=pages + 1, title=f"Report {folder.name}")
    return manifest(folder / "case.yaml", CASE_HEAD + f"""\
output:
  file: out/packet.pdf
  bates_prefix: CL
exhibits:
  - id: letter
    title: Letter for {folder.name}
    file: exhibits/letter.pdf
  - id: report
    title: Report for {folder.name}
    file: exhibits/report.pdf
claims:
  - claim: The letter and the report agree
    exhibits: [letter, report]
""")


def _batch(tmp_path: Path, names: str = "abc") -> tuple[list[Path], list[Path]]:
    local = [_case(tmp_path / "local" / n, k) for k, n in enumerate(names, start=1)]
    shutil.copytree(tmp_path / "local", tmp_path / "remote")
    return local, [tmp_path / "remote" / n / "case.yaml" for n in names]


def _build(manifests: list[Path], **kw) -> int:
    return build_many(manifests, output=None, jobs=1, max_file_mb=None, allow_paths=[], quiet=True,
                      console=Console(stderr=True), **kw)


def _same_packets(local: list[Path], remote: list[Path]) -> None:
    for one, two in zip(local, remote):
        a, b = one.parent / "out" / "packet.pdf", two.parent / "out" / "packet.pdf"
        assert a.is_file() and a.read_bytes() == b.read_bytes()
        assert a.with_name("packet.receipt.json").read_text() == b.with_name("packet.receipt.json").read_text()


def test_any_executor_builds_the_same_packets(tmp_path):
    local, remote = _batch(tmp_path)
    assert _build(local) == 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert _build(remote, executor=pool) == 0
    _same_packets(local, remote)


def test_a_failing_case_on_an_executor_is_reported_like_a_local_one(tmp_path, capsys):
    local, _remote = _batch(tmp_path, "ab")
    (local[1].parent / "exhibits" / "report.pdf").unlink()
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert _build(local, executor=pool) == 1
    err = capsys.readouterr().err
    assert "failed: " in err and "file-missing" in err
    assert (local[0].parent / "out" / "packet.pdf").is_file()


def test_a_dask_cluster_builds_byte_identical_packets(tmp_path, cli):
    distributed = pytest.importorskip("distributed")
    local, remote = _batch(tmp_path)
    assert _build(local) == 0
    # One worker thread in this process: small, and it runs the same code a remote worker does.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None, protocol="tcp", host="127.0.0.1") as cluster:
        address = cluster.scheduler_address  # tcp://127.0.0.1:PORT
        code, _out, err = cli("build", *remote, "-q", "--executor", "dask://" + address[len("tcp://"):])
        assert code == 0, err
    _same_packets(local, remote)


def test_an_executor_address_that_does_not_answer_is_a_usage_error(tmp_path, cli, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("parolekit.cluster.CONNECT_TIMEOUT", "1s")
    local, _remote = _batch(tmp_path, "a")
    code, _out, err = cli("build", *local, "--executor", "dask://127.0.0.1:9")
    assert code == 2 and "cannot reach the Dask scheduler" in err
    code, _out, err = cli("build", *local, "--executor", "spark://somewhere")
    assert code == 2 and "dask://HOST:8786" in err
    assert not (local[0].parent / "out").exists()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ray_head():
    """A one-node Ray cluster started as an operator would (`ray start --head`), stopped after:
    its client server's address, ray://127.0.0.1:PORT."""
    pytest.importorskip("ray")
    import subprocess
    import sys

    ray = [sys.executable, "-m", "ray.scripts.scripts"]
    port, client = _free_port(), _free_port()
    subprocess.run([*ray, "start", "--head", "--num-cpus", "1", "--port", str(port),
                    "--ray-client-server-port", str(client), "--include-dashboard=false",
                    "--disable-usage-stats"], check=True, capture_output=True, timeout=120)
    address = f"ray://127.0.0.1:{client}"
    try:
        # A head just started can be slow to serve its first client on a loaded machine (its
        # per-client server is a new process): connect once, retrying, before the test's own.
        probe = f"import ray; ray.init(address={address!r}); ray.shutdown()"
        for _attempt in range(3):
            if subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=120).returncode == 0:
                break
        yield address
    finally:
        subprocess.run([*ray, "stop", "--force"], capture_output=True, timeout=120)


def test_a_ray_cluster_builds_byte_identical_packets(tmp_path, cli, ray_head):
    local, remote = _batch(tmp_path)
    assert _build(local) == 0
    code, out, err = cli("build", *remote, "--executor", ray_head)
    assert code == 0, err
    _same_packets(local, remote)
    # Reported as local builds are, and none of Ray's own log lines among them.
    for m, pages in zip(remote, (8, 10, 12)):
        assert f"{m}: wrote {m.parent / 'out' / 'packet.pdf'} ({pages} pages" in err, err
    assert "3 built, 0 failed" in err
    assert " INFO " not in err and "WARNING" not in err and out == "", err


def test_a_ray_cluster_that_does_not_answer_is_a_usage_error(tmp_path, cli, monkeypatch):
    ray = pytest.importorskip("ray")

    def unreachable(*_a, **_k):  # what ray.init raises after its 30-second connection timeout
        raise ConnectionError("ray client connection timeout")

    monkeypatch.setattr(ray, "init", unreachable)
    local, _remote = _batch(tmp_path, "a")
    code, _out, err = cli("build", *local, "--executor", "ray://127.0.0.1:9")
    assert code == 2 and "cannot reach the Ray cluster at ray://127.0.0.1:9" in err and "ray start --head" in err
    assert not (local[0].parent / "out").exists()


def test_a_ray_executor_gives_results_and_cancels_the_task_of_a_cancelled_future():
    from concurrent.futures import Future

    from parolekit.cluster import RayExecutor

    class FakeRef:
        def __init__(self):
            self.task = Future()

        def future(self):
            return self.task

    class FakeRay:
        def __init__(self):
            self.refs: list = []
            self.cancelled: list = []

        def remote(self, fn):
            refs = self.refs

            class Remote:
                @staticmethod
                def remote(*a, **k):
                    refs.append(FakeRef())
                    return refs[-1]
            return Remote

        def cancel(self, ref):
            self.cancelled.append(ref)

    fake = FakeRay()
    pool = RayExecutor(fake)
    done, failed, stopped = pool.submit(print, 1), pool.submit(print, 2), pool.submit(print, 3)
    fake.refs[0].task.set_result("ok")
    fake.refs[1].task.set_exception(ValueError("boom"))
    assert done.result() == "ok" and isinstance(failed.exception(), ValueError)
    assert stopped.cancel() and fake.cancelled == [fake.refs[2]]
    fake.refs[2].task.set_result("late")  # Ray finishing a cancelled task: ignored, no error
    assert stopped.cancelled()
    pool.shutdown(wait=True, cancel_futures=True)  # nothing pending: returns at once
    assert fake.cancelled == [fake.refs[2]]


@pytest.mark.parametrize("address, package", [("dask://127.0.0.1:9", "distributed"), ("ray://127.0.0.1:9", "ray")])
def test_a_cluster_engine_not_installed_is_a_usage_error_naming_the_extra(tmp_path, cli, monkeypatch,
                                                                          address, package):
    monkeypatch.setitem(__import__("sys").modules, package, None)  # as if not installed
    local, _remote = _batch(tmp_path, "a")
    code, _out, err = cli("build", *local, "--executor", address)
    extra = "dask" if package == "distributed" else "ray"
    assert code == 2 and f"pip install 'parolekit[{extra}]'" in err, err
    assert not (local[0].parent / "out").exists()
