"""The floor of any import on DuckDB: the least work an import of the benchmark file must do,
set-based, with none of what makes Bascule's import safe (no rejects with line numbers, no
keyed hash, no @mention rewrite, no raw remainder, one transaction). Measured by hand beside
`make bench` (see bench/RESULTS.md, import variants, fifth session); not part of it.

    .venv/bin/python -c "from pathlib import Path; from bench.bench_import import generate; \\
        generate(Path('/tmp/p1m.jsonl'), 1_000_000)"
    .venv/bin/python bench/import_floor.py /tmp/p1m.jsonl /tmp/floor
"""

from __future__ import annotations

import resource
import shutil
import sys
import time

from bascule.project import init_project

STEPS = {
    "read": """CREATE TEMP TABLE r AS SELECT id, author_id AS a,
        created_at::TIMESTAMP AS ts, text, lang, in_reply_to_status_id AS rep, like_count
        FROM read_json(?, format='newline_delimited', columns={id: 'VARCHAR',
        author_id: 'VARCHAR', created_at: 'VARCHAR', text: 'VARCHAR', lang: 'VARCHAR',
        in_reply_to_status_id: 'VARCHAR', like_count: 'BIGINT'})""",
    "keys": """CREATE TEMP TABLE k AS SELECT a, 'bench:' || left(md5(a), 20) AS aid
        FROM (SELECT DISTINCT a FROM r)""",
    "posts": """INSERT INTO posts (post_id, platform, native_id, author_id, created_at, text,
        lang, reply_to, likes, source, run_id)
        SELECT 'bench:' || r.id, 'bench', r.id, k.aid, ts, text, lang, 'bench:' || rep,
            like_count, 'x', 1
        FROM r JOIN k USING (a)
        WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = 'bench:' || r.id)""",
    "links": """INSERT INTO interactions SELECT p.author_id, q.author_id, 'reply', p.post_id,
        p.reply_to, p.created_at FROM posts p JOIN posts q ON q.post_id = p.reply_to
        WHERE p.reply_to IS NOT NULL""",
    "authors": """INSERT INTO authors (author_id, platform, handle, pseudonymised, first_seen,
        last_seen) SELECT author_id, 'bench', any_value(author_id), true, min(created_at),
        max(created_at) FROM posts GROUP BY author_id""",
}


def main(src: str, folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    project = init_project(folder)
    con = project.store.con
    t0 = last = time.perf_counter()
    con.execute("BEGIN")
    for name, sql in STEPS.items():
        con.execute(sql, [src] if name == "read" else [])
        now = time.perf_counter()
        print(f"{name:8s} {now - last:.2f} s")
        last = now
    con.execute("COMMIT")
    project.close()
    r = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"total {time.perf_counter() - t0:.2f} s, CPU {r.ru_utime + r.ru_stime:.1f} s, "
        f"peak RSS {r.ru_maxrss / 1024:.0f} MiB"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
