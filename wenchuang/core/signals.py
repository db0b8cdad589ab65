"""Signals core sends for the apps above it (core imports none of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by `wenchuang serve` when the background-job worker exited, and once a minute while it runs
# (kwargs: `exit_code`, None for the periodic check). Apps holding jobs fail what the worker left.
worker_check = Signal()
