"""Signals plans send to the apps above it, which plans may not import.

`plan_loaded(plan)` is sent at the end of a successful `load_plan`, inside its transaction: reporting
makes a round for each milestone then, so rounds are committed with the plan or not at all."""

from django.dispatch import Signal

plan_loaded = Signal()
