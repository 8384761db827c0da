"""Scores from a classifier's probabilities on generated samples."""

from __future__ import annotations

import numpy as np

__all__ = ["classifier_score"]


def classifier_score(probabilities: np.ndarray, eps: float = 1e-12) -> float:
    """``exp(E_x[KL(p(y|x) || p(y))])``, the Inception Score computed with any classifier.

    High when each sample is classified confidently (low entropy ``p(y|x)``) and the classes are used
    evenly (high entropy ``p(y)``). Ranges from 1 to the number of classes (10 for digits).
    Salimans et al., "Improved Techniques for Training GANs", 2016.

    Args:
        probabilities: ``(n, k)`` class probabilities of ``n`` samples.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    marginal = p.mean(axis=0, keepdims=True)
    kl = (p * (np.log(p + eps) - np.log(marginal + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))
