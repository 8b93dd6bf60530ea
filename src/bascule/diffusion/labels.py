"""What the diffusion models and graphs are called, in French and English, wherever a result
is shown (the charts of `tipping`, the web war room): one name for each."""

from __future__ import annotations

MODEL_LABELS = {
    "naming-game": ("jeu de dénomination (naming game)", "naming game"),
    "threshold": ("seuil (Watts)", "threshold (Watts)"),
    "ic": ("cascade indépendante (IC)", "independent cascade (IC)"),
    "lt": ("seuil linéaire (LT)", "linear threshold (LT)"),
}
GRAPH_LABELS = {
    "complete": ("tout le monde se parle", "everyone talks to everyone"),
    "er": ("réseau aléatoire (Erdős–Rényi)", "random network (Erdős–Rényi)"),
    "ba": ("réseau à pivots (Barabási–Albert)", "hub network (Barabási–Albert)"),
    "observed": ("réseau observé", "observed network"),
    "file": ("fichier de réseau", "network file"),
}
