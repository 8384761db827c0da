"""Measures of what a GAN learned."""

from kgan.metrics.modes import ModeCoverage, mode_coverage

__all__ = ["ModeCoverage", "mode_coverage"]
