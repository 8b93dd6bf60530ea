"""Early warning: cascade forecasts, bursts, lone critics, delivery."""
