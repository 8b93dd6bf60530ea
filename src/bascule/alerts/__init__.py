"""Early warning: cascade forecasts, bursts, lone critics, delivery."""

# What each kind of alert is called, in French and English, wherever it is shown (web, report)
KIND_LABELS = {
    "burst": ("Pic de mentions", "Mention burst"),
    "lone_critic": ("Critique isolée qui se propage", "Lone critic spreading"),
    "forecast": ("Cascade qui s'emballe", "Cascade taking off"),
    "cascade": ("Cascade", "Cascade"),
}
