"""`bascule analyze --engine dask`: the same pure batch analysis, spread over Dask workers.

Posts are written as Parquet, each partition goes through `text.analyze.analyze_batch` (the
function the embedded engine uses) with `map_partitions`, results come back as Parquet and are
loaded into the project. Rows are analysed independently, so results are identical, row for
row, to the embedded run whatever the partitioning.
"""

from __future__ import annotations

import shutil
import time
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bascule.config import Config
from bascule.errors import BasculeError

_OUT_COLUMNS = {"part": "int64", "posts": "int64", "pairs": "int64"}


@cache
def _model(path: str | None):  # noqa: ANN202 - a StanceModel, loaded once per worker
    if not path:
        return None
    from bascule.text.stance import StanceModel

    return StanceModel.load(path)


def analyze_partition(
    df: pd.DataFrame,
    config: Config,
    model_path: str | None,
    out: str,
    partition_info: dict | None = None,
) -> pd.DataFrame:
    """Analyse one partition and write its two result tables as Parquet files in `out`."""
    from bascule.text.analyze import analyze_batch

    part = (partition_info or {}).get("number", 0)
    table = pa.Table.from_pandas(df, preserve_index=False)
    posts, pairs = analyze_batch(table, config, _model(model_path))
    for name, t in (("post_analyses", posts), ("analyses", pairs)):
        folder = Path(out) / name
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(t, folder / f"part-{part:05d}.parquet")
    return pd.DataFrame({"part": [part], "posts": [posts.num_rows], "pairs": [pairs.num_rows]})


def analyze_parquet(
    posts: str | Path,
    out: str | Path,
    config: Config,
    *,
    model_path: str | Path | None = None,
    client: Any = None,
) -> dict:
    """Analyse a Parquet dataset of posts (post_id, text, lang, author_handle) into `out`."""
    import dask.dataframe as dd

    t0 = time.perf_counter()
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    frame = dd.read_parquet(str(posts), columns=["post_id", "text", "lang", "author_handle"])
    counts = frame.map_partitions(
        analyze_partition,
        config,
        str(model_path) if model_path else None,
        str(out),
        meta=_OUT_COLUMNS,
    )
    done = counts.compute() if client is None else client.compute(counts).result()
    return {
        "partitions": int(len(done)),
        "analysed_posts": int(done["posts"].sum()),
        "analyses": int(done["pairs"].sum()),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def _client(scheduler: str | None, workers: int):  # noqa: ANN202
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise BasculeError(
            "the Dask engine needs dask[distributed]: pip install 'dask[distributed]'"
        ) from exc
    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


def analyze_dask(
    project,
    *,
    scheduler: str | None = None,
    workers: int = 2,  # noqa: ANN001
    partition_rows: int = 50_000,
    redo: bool = False,
) -> dict:
    """Analyse the project's pending posts on a Dask cluster, then load the results."""
    from bascule.store import analyses as sql
    from bascule.text.analyze import FALLBACK_MODEL, load_project_model, project_model_path

    t0 = time.perf_counter()
    store = project.store
    since = sql.start_redo(store, redo=redo)
    work = project.root / ".bascule" / "dask"
    if work.exists():
        shutil.rmtree(work)
    (work / "posts").mkdir(parents=True)
    after, parts = None, 0
    while True:
        batch = sql.pending_batch(store, after=after, limit=partition_rows, older_than=since)
        if batch.num_rows == 0:
            break
        pq.write_table(batch, work / "posts" / f"part-{parts:05d}.parquet")
        after = batch.column("post_id")[-1].as_py()
        parts += 1
    model = load_project_model(project.root)
    model_path = project_model_path(project.root) if model is not None else None
    result: dict = {"partitions": 0, "analysed_posts": 0, "analyses": 0}
    if parts:
        client, cluster = _client(scheduler, workers)
        try:
            result = analyze_parquet(
                work / "posts", work / "out", project.config, model_path=model_path, client=client
            )
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        for f in sorted((work / "out" / "post_analyses").glob("*.parquet")):
            pairs = work / "out" / "analyses" / f.name
            sql.write_batch(store, pq.read_table(f), pq.read_table(pairs))
    if since is not None:
        sql.end_redo(store, since)
    inherited_posts, inherited_pairs = sql.inherit_reposts(store)
    shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - t0
    return {
        **result,
        "engine": "dask",
        "resumed_redo": since is not None and not redo,
        "stance_model": model.name if model is not None else FALLBACK_MODEL,
        "workers": workers if not scheduler else None,
        "inherited_reposts": inherited_posts,
        "inherited_analyses": inherited_pairs,
        "seconds": round(seconds, 3),
        "posts_per_s": round(result["analysed_posts"] / seconds, 1) if seconds else None,
    }
