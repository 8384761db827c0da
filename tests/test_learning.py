"""Learning tests: measure that a GAN learned, not only that it ran."""

import keras
import pytest

import kgan


@pytest.mark.slow
def test_mlp_default_recipe_covers_ring8():
    """mlp + default recipe on ring8: >= 7 of 8 modes, >= 70% of samples within 3 std of a mode.

    Measured when written (seed 0, 3,906 steps, ~32 s on 2 cores): 8/8 modes, 80.5% high quality.
    """
    keras.utils.set_random_seed(0)
    x = kgan.datasets.load("ring8")
    gan = kgan.architectures.get("mlp")(input_shape=(2,), seed=0)
    gan.compile()  # the architecture's recipe: BCE + R1(gamma=1), Adam(1e-3, beta_1=0.5), EMA 0.999
    gan.fit(x, batch_size=256, epochs=100, verbose=0)
    mix = kgan.datasets.mixture("ring8")
    coverage = kgan.metrics.mode_coverage(gan.generate(2000, seed=1), mix.centers, mix.std)
    print("ring8:", coverage)
    assert coverage.modes_covered >= 7, coverage
    assert coverage.high_quality >= 0.70, coverage


@pytest.mark.slow
def test_dcgan_default_recipe_learns_digits_by_the_frechet_metric():
    """dcgan + its recipe on mnist-5k, 2 epochs (314 steps): the Frechet distance must fall below a
    third of the untrained generator's and keep falling, and the classifier must start seeing digits.

    Measured for docs/watching.md (seed 0, 2,000 samples, the bce-r1 recipe): untrained 396, after
    epoch 1 80.6, after epoch 2 53.6; classifier score 1.01 untrained, 5.74 after epoch 2.
    """
    keras.utils.set_random_seed(0)
    x = kgan.datasets.load("mnist-5k")
    gan = kgan.architectures.get("dcgan")(input_shape=(28, 28, 1), seed=0)
    gan.compile()
    untrained = kgan.metrics.evaluate_generator(gan, x, n=1000)
    evaluation = kgan.callbacks.FrechetEvaluation(x, n=1000)
    history = gan.fit(x, batch_size=gan.recipe["batch_size"], epochs=2, verbose=0, callbacks=[evaluation]).history
    print("untrained", untrained, "per epoch", history["frechet_distance"], history["classifier_score"])
    assert history["frechet_distance"][-1] < untrained.frechet_distance / 3
    assert history["frechet_distance"][1] < history["frechet_distance"][0]
    assert history["classifier_score"][-1] > 3.5 > untrained.classifier_score
