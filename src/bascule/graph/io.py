"""Reading and writing networks: edge lists (CSV/TSV/space, optional weight or probability
column, optional NetHEPT `n m` header), GML, GraphML, GEXF and Parquet.

Every command that takes `--graph FILE` goes through `read_graph`, so researchers can run
Bascule on any network; `write_graph` feeds Gephi and other tools.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
from pathlib import Path

import numpy as np
import pandas as pd

from bascule.errors import InputError
from bascule.graph.model import Graph

FORMATS = ("csv", "tsv", "edgelist", "gml", "graphml", "gexf", "parquet")
WRITE_FORMATS = ("csv", "tsv", "gml", "graphml", "gexf", "parquet")
_SRC_NAMES = ("source", "src", "from", "u", "parent", "parent_uid", "node1", "id1")
_DST_NAMES = ("target", "dst", "to", "v", "child", "child_uid", "node2", "id2")
_WEIGHT_NAMES = ("weight", "w", "count", "value")
_PROB_NAMES = ("p", "prob", "probability")
_COMPRESSED = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}


def _open_binary(path: Path):  # noqa: ANN202 - a binary file object
    opener = _COMPRESSED.get(path.suffix.lower())
    return opener(path, "rb") if opener else open(path, "rb")  # noqa: SIM115


def _base_suffix(path: Path) -> str:
    p = path
    if p.suffix.lower() in _COMPRESSED:
        p = p.with_suffix("")
    return p.suffix.lower().lstrip(".")


_SUFFIX_FORMATS = {
    "csv": "csv",
    "tsv": "tsv",
    "tab": "tsv",
    "gml": "gml",
    "graphml": "graphml",
    "xml": "graphml",
    "gexf": "gexf",
    "parquet": "parquet",
    "pq": "parquet",
}


def detect_format(path: str | Path) -> str:
    """The format from the file name (compression suffixes ignored), else `edgelist`."""
    return _SUFFIX_FORMATS.get(_base_suffix(Path(path)), "edgelist")


def read_graph(path: str | Path, *, fmt: str = "auto", directed: bool | None = None) -> Graph:
    """Read a network file into a `Graph`; duplicate edges merged, isolated nodes kept.

    Edge lists: `src dst [weight|p]` per line, comma/tab/space separated, `#`/`%` comments,
    an optional header row naming columns, an optional NetHEPT-style `n m` first line (then
    nodes 0..n-1 all exist). A third column named p/prob/probability, or any third column
    under an `n m` header with values in [0, 1], is an activation probability:
    `graph.weight_kind == "probability"` and duplicates merge as 1 - prod(1 - p).
    `directed=None` keeps the file's own flag (edge lists: directed).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"graph file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a graph file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    if fmt not in FORMATS:
        raise InputError(f"unknown graph format {fmt!r} (known: {', '.join(FORMATS)})")
    try:
        if fmt in ("gml", "graphml", "gexf"):
            g = _read_networkx(path, fmt)
        elif fmt == "parquet":
            g = _read_parquet(path)
        else:
            g = _read_edgelist(path, fmt)
    except InputError:
        raise
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - parser errors of networkx/pandas/pyarrow
        raise InputError(f"cannot parse {path} as {fmt}: {exc}") from None
    if directed is not None and directed != g.directed:
        g.directed = directed
        if not directed:
            g = _canonical_undirected(g)
    return g


# -- edge lists ------------------------------------------------------------------------------
def _sniff(lines: list[str], fmt: str) -> str | None:
    if fmt == "csv":
        return ","
    if fmt == "tsv":
        return "\t"
    sample = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith(("#", "%"))][:20]
    if sample and all("\t" in ln for ln in sample):
        return "\t"
    if sample and all("," in ln for ln in sample):
        return ","
    return None  # any whitespace


def _split(line: str, sep: str | None) -> list[str]:
    return [t.strip() for t in line.split(sep)] if sep else line.split()


def _is_number(tok: str) -> bool:
    try:
        float(tok)
    except ValueError:
        return False
    return True


_COMMENT = re.compile(r"^[ \t]*[#%]", re.M)
_BLANK = re.compile(r"\n[ \t\r]*\n")
_KNOWN_NAMES = set(_SRC_NAMES + _DST_NAMES + _WEIGHT_NAMES + _PROB_NAMES) | {"root_tweet_id"}


_MAGIC = (
    (b"PAR1", "Parquet", ".parquet"),
    (b"\x1f\x8b", "gzip-compressed", ".gz"),
    (b"\xfd7zXZ\x00", "xz-compressed", ".xz"),
    (b"BZh", "bzip2-compressed", ".bz2"),
)
_GML = re.compile(rb"^\s*(?:(?:#|creator\b|version\b)[^\n]*\n\s*)*graph\s*\[", re.I)


def _renamed(path: Path, suffix: str) -> str:
    """The name `path` should have to be read as the format of `suffix`."""
    comp = path.suffix if path.suffix.lower() in _COMPRESSED else ""
    stem = Path(path.name.removesuffix(comp)).stem
    if comp and suffix == ".parquet":  # Parquet compresses itself: it is read as is
        return f"{stem}.parquet (decompressed)"
    return stem + suffix + comp


def _refuse_other_formats(path: Path, head: bytes) -> None:
    """An edge list's reader takes anything with two columns: refuse the files that plainly
    are in another format (a GML file named .txt read as edges of GML tokens)."""
    for magic, what, suffix in _MAGIC:
        if head.startswith(magic):
            if suffix == ".parquet":
                en, fr, name = "like Parquet", "au format Parquet", _renamed(path, suffix)
            else:
                en, fr, name = what, f"compressé ({suffix})", path.name + suffix
            raise InputError(
                f"{path} looks {en}: rename it {name}",
                fr=f"{path} semble être {fr} : renommez-le {name}",
            )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    found = None
    if _GML.match(text):
        found = ("GML", ".gml")
    elif text.startswith(b"<"):
        low = text[:2000].lower()
        if b"<gexf" in low:
            found = ("GEXF", ".gexf")
        elif b"<graphml" in low:
            found = ("GraphML", ".graphml")
        else:
            raise InputError(
                f"{path} looks like XML but not GraphML or GEXF: export the network as a "
                "CSV/TSV edge list, GML, GraphML or GEXF",
                fr=f"{path} semble être du XML, ni GraphML ni GEXF : exportez le réseau en "
                "liste de liens CSV/TSV, GML, GraphML ou GEXF",
            )
    elif text[:1] in (b"{", b"["):
        raise InputError(
            f"{path} looks like JSON, not a network: --graph takes an edge list (one "
            "`source target [weight]` per line), GML, GraphML, GEXF or Parquet; import posts "
            "with `bascule import`",
            fr=f"{path} semble être du JSON, pas un réseau : --graph prend une liste de liens "
            "(une ligne `source cible [poids]` par lien), du GML, GraphML, GEXF ou Parquet ; "
            "importez des publications avec `bascule import`",
        )
    if found:
        what, suffix = found
        name = _renamed(path, suffix)
        raise InputError(
            f"{path} looks like {what}: rename it {name}",
            fr=f"{path} semble être au format {what} : renommez-le {name}",
        )


def _read_edgelist(path: Path, fmt: str) -> Graph:
    with _open_binary(path) as fh:
        data = fh.read()
    _refuse_other_formats(path, data[:4096])
    text = data.decode("utf-8-sig")
    if _COMMENT.search(text) or _BLANK.search(text.strip()):
        text = "\n".join(
            ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", "%"))
        )
    text = text.strip("\r\n")
    if not text.strip():
        return graph_from_ids([], [], weight_kind="count")
    head = text.split("\n", 60)[:60]
    n_lines = text.count("\n") + 1
    sep = _sniff(head[:50], fmt)
    first = _split(head[0], sep)
    second = _split(head[1], sep) if len(head) > 1 else []
    names: list[str] | None = None
    declared_n: int | None = None
    skip = 0
    if {t.lower() for t in first} & _KNOWN_NAMES or (
        len(first) >= 3 and second[2:3] and not _is_number(first[2]) and _is_number(second[2])
    ):
        names = [t.lower() for t in first]
        skip = 1
    elif len(first) == 2 and all(t.isdigit() for t in first) and second:
        n, m = int(first[0]), int(first[1])
        # NetHEPT's `n m` line; with two-column rows it could be an edge: trust it only
        # when m counts the lines below and every id fits in 0..n-1 (or 1..n)
        if len(second) >= 3 or m == n_lines - 1:
            declared_n = n
            skip = 1
    if n_lines <= skip:
        return graph_from_ids([], [], weight_kind="count")
    df = pd.read_csv(
        io.StringIO(text),
        sep=sep if sep else r"\s+",
        header=None,
        skiprows=skip,
        dtype=str,
        engine="c",
        keep_default_na=False,
        quotechar='"',
    )
    if df.shape[1] < 2:
        raise InputError(f"{path}: an edge list needs at least two columns (source, target)")
    si, di, wi, kind = 0, 1, (2 if df.shape[1] >= 3 else None), "weight"
    if names is not None:
        if len(names) != df.shape[1]:
            raise InputError(
                f"{path}: the header names {len(names)} columns, the rows have {df.shape[1]}"
            )
        wp, ww = _pick(names, _PROB_NAMES, None), _pick(names, _WEIGHT_NAMES, None)
        if wp is not None:
            wi, kind = wp, "probability"
        elif ww is not None:
            wi = ww
        else:
            wi = None
        si, di = _id_columns(path, names, wi)
    if names is not None and names[si] == "parent_uid":
        df = df[df.iloc[:, si] != "ROOT"]  # Twitter15/16 cascade trees: the root row
    src, dst = df.iloc[:, si].to_numpy(str), df.iloc[:, di].to_numpy(str)
    if wi is None:
        w, kind = np.ones(len(src)), "count"
    else:
        w = pd.to_numeric(df.iloc[:, wi], errors="coerce").to_numpy(np.float64)
        if not np.all(np.isfinite(w)):
            what = "the weight column" if names is not None else "the third column (a weight)"
            raise InputError(
                f"{path}: {what} has missing or non-numeric values (an edge list has one "
                "`source target [weight]` per line, or a header naming its columns)",
                fr=f"{path} : la colonne de poids a des valeurs manquantes ou non numériques "
                "(une liste de liens a une ligne `source cible [poids]` par lien, ou un en-tête "
                "qui nomme ses colonnes)",
            )
        if declared_n is not None and kind == "weight" and w.min() >= 0 and w.max() <= 1:
            kind = "probability"
    if kind == "probability" and (w.min() < 0 or w.max() > 1):
        raise InputError(f"{path}: edge probabilities must lie in [0, 1]")
    nodes = None
    if declared_n is not None:
        nodes = _declared_nodes(src, dst, declared_n)
        if nodes is None:
            if df.shape[1] >= 3:
                raise InputError(
                    f"{path}: the first line declares {declared_n} nodes but ids go beyond"
                )
            return _read_edgelist_lines(text.split("\n"), sep)  # the first line was an edge
    return graph_from_ids(src, dst, w, nodes=nodes, weight_kind=kind)


def _read_edgelist_lines(lines: list[str], sep: str | None) -> Graph:
    arr = np.asarray([_split(ln, sep)[:2] for ln in lines], dtype=str)
    return graph_from_ids(arr[:, 0], arr[:, 1], weight_kind="count")


def _numeric(col: pd.Series) -> bool:
    return bool(pd.to_numeric(col, errors="coerce").notna().all())


def _id_columns(path: Path, names: list[str], weight: int | None) -> tuple[int, int]:
    """(source, target) columns of a table with named columns: the named ones, else the
    first two others when the table has no more than them and a weight (`a,b,weight`)."""
    si, di = _pick(names, _SRC_NAMES, None), _pick(names, _DST_NAMES, None)
    if si is not None and di is not None:
        return si, di
    free = [i for i in range(len(names)) if i not in (si, di, weight)]
    if len(names) <= 3 and len(free) >= (si is None) + (di is None):
        si = free.pop(0) if si is None else si
        di = free.pop(0) if di is None else di
        return si, di
    cols = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    src, dst = "/".join(_SRC_NAMES[:4]), "/".join(_DST_NAMES[:4])
    if si is None and di is None:
        en = f"no source/target columns (its columns: {cols}): name them with {src} and {dst}"
        fr = f"pas de colonnes source/cible (ses colonnes : {cols}) : nommez-les {src} et {dst}"
    elif di is None:
        en = f"no target column (its columns: {cols}): name it with {dst}"
        fr = f"pas de colonne cible (ses colonnes : {cols}) : nommez-la {dst}"
    else:
        en = f"no source column (its columns: {cols}): name it with {src}"
        fr = f"pas de colonne source (ses colonnes : {cols}) : nommez-la {src}"
    raise InputError(f"{path}: {en}", fr=f"{path} : {fr}")


def _pick(names: list[str], wanted: tuple[str, ...], default: int | None) -> int | None:
    for w in wanted:
        if w in names:
            return names.index(w)
    return default


def _declared_nodes(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray | None:
    """Nodes 0..n-1 (or 1..n) when every id fits: the `n m` header's promise."""
    try:
        ids = np.concatenate([src, dst]).astype(np.int64)
    except ValueError:
        return None
    if ids.size == 0:
        return np.arange(n).astype(str)
    lo, hi = int(ids.min()), int(ids.max())
    if lo >= 0 and hi < n:
        return np.arange(n).astype(str)
    if lo >= 1 and hi <= n:
        return np.arange(1, n + 1).astype(str)
    return None


def graph_from_ids(
    src,  # noqa: ANN001 - sequences of ids
    dst,  # noqa: ANN001
    weight=None,  # noqa: ANN001
    *,
    nodes=None,  # noqa: ANN001
    directed: bool = True,
    weight_kind: str = "count",
) -> Graph:
    """A merged `Graph` from id arrays, fast for millions of edges (factorised, not dicts)."""
    s = np.asarray(src).astype(str)
    d = np.asarray(dst).astype(str)
    w = np.ones(len(s)) if weight is None else np.asarray(weight, dtype=np.float64)
    if nodes is None:
        codes, uniques = pd.factorize(np.concatenate([s, d]), sort=False)
        all_ids = _natural_order(np.asarray(uniques, dtype=str))
        remap = np.empty(len(uniques), dtype=np.int64)
        remap[all_ids[1]] = np.arange(len(uniques))
        codes = remap[codes]
        all_ids = all_ids[0]
    else:
        all_ids = np.asarray(nodes).astype(str)
        codes = pd.Index(all_ids).get_indexer(np.concatenate([s, d]))
        if (codes < 0).any():
            bad = np.concatenate([s, d])[codes < 0][0]
            raise InputError(f"edge refers to unknown node {bad!r}")
    g = Graph(
        all_ids,
        codes[: len(s)].astype(np.int64),
        codes[len(s) :].astype(np.int64),
        w,
        directed,
        weight_kind=weight_kind,
    )
    if not directed:
        return _canonical_undirected(g)
    return g.merged("or" if weight_kind == "probability" else "sum")


def _natural_order(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids sorted numerically when all are integers, else as text; the sorting order)."""
    try:
        order = np.argsort(ids.astype(np.int64), kind="stable")
    except (ValueError, OverflowError):
        order = np.argsort(ids, kind="stable")
    return ids[order], order


def _canonical_undirected(g: Graph) -> Graph:
    """Undirected: each edge stored once as (min, max); duplicates merged."""
    lo, hi = np.minimum(g.src, g.dst), np.maximum(g.src, g.dst)
    from dataclasses import replace

    g = replace(g, src=lo, dst=hi, directed=False)
    return g.merged("or" if g.weight_kind == "probability" else "sum")


# -- GML, GraphML, GEXF through networkx ------------------------------------------------------
def _read_networkx(path: Path, fmt: str) -> Graph:
    import networkx as nx

    with _open_binary(path) as fh:
        if fmt == "gml":
            try:
                G = nx.read_gml(fh, label="id")
            except nx.NetworkXError as exc:
                if "duplicated" not in str(exc) and "multigraph" not in str(exc):
                    raise
                fh.seek(0)
                text = fh.read().decode("utf-8")
                text = text.replace("graph [", "graph [\n  multigraph 1", 1)
                G = nx.parse_gml(text, label="id")
        elif fmt == "graphml":
            G = nx.read_graphml(fh)
        else:
            G = nx.read_gexf(fh)
    return from_networkx(G)


def from_networkx(G) -> Graph:  # noqa: ANN001 - a networkx graph
    """A `Graph` from a networkx graph (node attributes kept when scalar)."""
    nodes = list(G.nodes())
    ids = np.asarray([str(v) for v in nodes], dtype=str)
    index = {v: i for i, v in enumerate(nodes)}
    edges = list(G.edges(data=True))
    src = np.fromiter((index[u] for u, _, _ in edges), np.int64, len(edges))
    dst = np.fromiter((index[v] for _, v, _ in edges), np.int64, len(edges))
    kind = "count"
    keys = set().union(*(d.keys() for _, _, d in edges)) if edges else set()
    wkey = next((k for k in ("weight", *_PROB_NAMES, "value") if k in keys), None)
    if wkey is not None:
        w = np.asarray([float(d.get(wkey, 1.0)) for _, _, d in edges], dtype=np.float64)
        kind = "probability" if wkey in _PROB_NAMES else "weight"
    else:
        w = np.ones(len(edges))
    attrs: dict[str, np.ndarray] = {}
    node_keys = set().union(*(d.keys() for _, d in G.nodes(data=True))) if nodes else set()
    for key in sorted(node_keys):
        vals = [G.nodes[v].get(key) for v in nodes]
        if all(isinstance(x, int | float | str | bool) or x is None for x in vals):
            attrs[str(key)] = np.asarray(vals, dtype=object)
    g = Graph(ids, src, dst, w, bool(G.is_directed()), attrs, kind)
    if not g.directed:
        return _canonical_undirected(g)
    return g.merged("or" if kind == "probability" else "sum")


def _read_parquet(path: Path) -> Graph:
    import pyarrow.parquet as pq

    t = pq.read_table(path)
    names = [c.lower() for c in t.column_names]
    wp, ww = _pick(names, _PROB_NAMES, None), _pick(names, _WEIGHT_NAMES, None)
    if wp is not None:
        wi, kind = wp, "probability"
    else:
        wi, kind = ww, ("weight" if ww is not None else "count")
    si, di = _id_columns(path, names, wi)
    w = None if wi is None else t.column(wi).to_numpy().astype(np.float64)
    nodes = None
    sidecar = _nodes_path(path)
    if sidecar.exists():
        nodes = pq.read_table(sidecar).column("id").to_numpy().astype(str)
    meta = t.schema.metadata or {}
    directed = meta.get(b"directed", b"1") != b"0"
    return graph_from_ids(
        t.column(si).to_numpy(zero_copy_only=False),
        t.column(di).to_numpy(zero_copy_only=False),
        w,
        nodes=nodes,
        directed=directed,
        weight_kind=kind,
    )


def _nodes_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".parquet") + ".nodes.parquet")


# -- writing --------------------------------------------------------------------------------
def write_format(path: str | Path, fmt: str = "auto", *, option: str | None = None) -> str:
    """The format `write_graph` writes: `fmt`, or with "auto" the one the suffix names (an
    unknown suffix is an error, not a guess; `option` names the option that gives a format).
    """
    known = ", ".join(WRITE_FORMATS)
    if fmt == "auto":
        fmt = _SUFFIX_FORMATS.get(_base_suffix(Path(path)), "")
        if fmt not in WRITE_FORMATS:
            suffixes = ", .".join(WRITE_FORMATS[:-1]) + " or ." + WRITE_FORMATS[-1]
            suffixes_fr = ", .".join(WRITE_FORMATS[:-1]) + " ou ." + WRITE_FORMATS[-1]
            en = fr = ""
            if option:
                en, fr = f", or give {option} ({known})", f", ou donnez {option} ({known})"
            raise InputError(
                f"{path}: no graph format has this suffix: name the file .{suffixes}{en}",
                fr=f"{path} : aucun format de graphe n'a ce suffixe : nommez le fichier "
                f".{suffixes_fr}{fr}",
            )
    if fmt not in WRITE_FORMATS:
        raise InputError(
            f"cannot write format {fmt!r} (known: {known})",
            fr=f"impossible d'écrire le format {fmt!r} (formats connus : {known})",
        )
    return fmt


def write_graph(graph: Graph, path: str | Path, fmt: str = "auto") -> Path:
    """Write `graph` as csv/tsv (edge list), gml, graphml, gexf (Gephi) or parquet.

    Parquet writes the edges (source, target, weight) and, beside them, `NAME.nodes.parquet`
    with every node (isolated ones too) and its attributes.
    """
    path = Path(path)
    fmt = write_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    wname = "p" if graph.weight_kind == "probability" else "weight"
    if fmt in ("csv", "tsv"):
        df = pd.DataFrame(
            {
                "source": graph.nodes[graph.src],
                "target": graph.nodes[graph.dst],
                wname: graph.weight,
            }
        )
        df.to_csv(path, sep="," if fmt == "csv" else "\t", index=False)
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        edges = pa.table(
            {
                "source": graph.nodes[graph.src].astype(str),
                "target": graph.nodes[graph.dst].astype(str),
                wname: graph.weight,
            }
        ).replace_schema_metadata({"directed": "1" if graph.directed else "0"})
        pq.write_table(edges, path)
        cols = {"id": graph.nodes.astype(str)}
        for k, v in graph.attrs.items():
            cols[k] = [None if x is None else str(x) for x in v]
        pq.write_table(pa.table(cols), _nodes_path(path))
    else:
        import networkx as nx

        G = to_networkx(graph)
        for _, d in G.nodes(data=True):
            for k in [k for k, v in d.items() if v is None]:
                del d[k]
            if fmt == "gexf" and d.get("handle"):  # Gephi shows the label: a handle, not a hash
                d["label"] = str(d["handle"])
        {"gml": nx.write_gml, "graphml": nx.write_graphml, "gexf": nx.write_gexf}[fmt](G, path)
    return path


def to_networkx(graph: Graph):  # noqa: ANN201 - networkx.DiGraph or Graph
    """A networkx (Di)Graph with original ids, `weight` on edges and node attributes."""
    import networkx as nx

    G = nx.DiGraph() if graph.directed else nx.Graph()
    ids = graph.nodes.tolist()
    G.add_nodes_from(ids)
    for k, v in graph.attrs.items():
        nx.set_node_attributes(G, {i: _py(x) for i, x in zip(ids, v, strict=True)}, k)
    key = "p" if graph.weight_kind == "probability" else "weight"
    G.add_weighted_edges_from(
        zip(
            graph.nodes[graph.src].tolist(),
            graph.nodes[graph.dst].tolist(),
            graph.weight.tolist(),
            strict=True,
        ),
        weight=key,
    )
    return G


def to_igraph(graph: Graph):  # noqa: ANN201 - igraph.Graph
    """An igraph Graph (needs the optional, GPL-licensed `igraph` package)."""
    try:
        import igraph as ig
    except ImportError:
        raise InputError("igraph is not installed: `pip install igraph` (GPL-2+)") from None
    G = ig.Graph(
        n=graph.n, edges=np.column_stack([graph.src, graph.dst]).tolist(), directed=graph.directed
    )
    G.vs["name"] = graph.nodes.tolist()
    G.es["weight"] = graph.weight.tolist()
    return G


def _py(x: object) -> object:
    if isinstance(x, np.generic):
        return x.item()
    return x
