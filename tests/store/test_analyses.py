"""Analyses written by two connections of one process (the listener's analyst and a
retraining in `bascule serve --listen`): the later writer waits its turn, nothing fails."""

from __future__ import annotations

import threading
import time

import pyarrow as pa

from bascule.store.analyses import POST_ANALYSES_SCHEMA, write_batch


def _rows(post_id: str, model: str) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "post_id": post_id,
                "lang": "fr",
                "lang_score": 1.0,
                "sentiment": 0.0,
                "hesitation": False,
                "model": model,
            }
        ],  # fmt: skip
        schema=POST_ANALYSES_SCHEMA,
    )


def test_a_conflicting_write_is_retried(project) -> None:  # noqa: ANN001
    store = project.store
    empty = pa.Table.from_pylist([], schema=pa.schema([
        ("post_id", pa.string()), ("target_id", pa.string()), ("stance", pa.string()),
        ("stance_score", pa.float64()), ("sentiment", pa.float64()), ("model", pa.string()),
    ]))  # fmt: skip
    write_batch(store, _rows("t:1", "first"), empty)
    other = store.cursor()  # another connection: the listener's analyst
    other.con.execute("BEGIN")
    other.con.execute("UPDATE post_analyses SET model = 'other' WHERE post_id = 't:1'")
    done = threading.Event()
    errors: list[BaseException] = []

    def retrain() -> None:
        try:
            write_batch(store, _rows("t:1", "retrained"), empty)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        done.set()

    th = threading.Thread(target=retrain)
    th.start()
    time.sleep(0.1)  # its first attempt meets the other's uncommitted row
    assert not done.is_set()
    other.con.execute("COMMIT")
    th.join(10)
    other.close()
    assert errors == [] and done.is_set()
    assert store.rows("SELECT model FROM post_analyses WHERE post_id = 't:1'") == [("retrained",)]
