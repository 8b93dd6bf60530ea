"""Diffusion: cascade simulation, seed selection, tipping points."""
