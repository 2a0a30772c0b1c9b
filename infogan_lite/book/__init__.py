"""The chapters' companions: the tools each chapter of the book uses beside the core.

Each module names the chapter it serves. The core of infogan_lite (the modules one level
up: codes, networks, losses, the training step, checkpoints, weights, evaluation) never
imports these; tests/test_layout.py enforces it.
"""
