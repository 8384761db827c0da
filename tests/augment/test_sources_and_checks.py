"""Fake sources (generators, pools, snapshots), label and classifier checks, probe sets."""

import keras
import numpy as np
import pytest

import kgan
from kgan import augment
from kgan.errors import ConfigurationError, DataError


def test_fake_source_shares_draws_between_generators_and_repeats_with_a_seed(tiny_gan):
    other = kgan.architectures.get("dcgan")(input_shape=(8, 8, 1), latent_dim=4, width=4, seed=1)
    source = augment.FakeSource([tiny_gan, other])
    images, labels = source.draw(7, rng=0)
    assert images.shape == (7, 8, 8, 1) and images.dtype == np.float32 and labels is None
    assert source.sample_shape == (8, 8, 1) and source.num_classes is None
    again, _ = source.draw(7, rng=0)
    np.testing.assert_array_equal(images, again)
    assert not np.allclose(source.draw(7, rng=1)[0], images)


def _constant_generator(value, latent_dim=3, shape=(4, 4, 1)):
    """A bare generator z -> an image filled with ``value``."""
    z = keras.Input((latent_dim,))
    dense = keras.layers.Dense(int(np.prod(shape)), kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(value))
    return keras.Model(z, keras.layers.Reshape(shape)(dense(z)))


def test_draws_are_shared_out_equally_and_shuffled():
    source = augment.FakeSource([_constant_generator(0.5), _constant_generator(-0.5)])
    images, _ = source.draw(7, rng=0)
    per_image = images.reshape(7, -1).mean(axis=1)
    assert sorted(per_image.round(3).tolist()) == [-0.5] * 3 + [0.5] * 4
    assert any(augment.FakeSource([_constant_generator(0.5), _constant_generator(-0.5)]).draw(20, rng=s)[0][0, 0, 0, 0] < 0 for s in range(5))


def test_bare_generators_and_conditional_sources_give_balanced_labels(tiny_cgan):
    source = augment.FakeSource(tiny_cgan)
    images, labels = source.draw(30, rng=0)
    assert source.num_classes == 3 and np.bincount(labels).tolist() == [10, 10, 10]
    bare = augment.FakeSource(tiny_cgan.sampling_generator)
    images, labels = bare.draw(9, rng=0)
    assert images.shape == (9, 8, 8, 1) and bare.num_classes == 3 and np.bincount(labels).tolist() == [3, 3, 3]


def test_fake_source_refuses_what_it_cannot_draw_from(tiny_gan, tiny_cgan):
    with pytest.raises(ConfigurationError, match="cannot be mixed"):
        augment.FakeSource([tiny_gan, tiny_cgan])
    big = kgan.architectures.get("dcgan")(input_shape=(16, 16, 1), latent_dim=4, width=4, seed=0)
    with pytest.raises(ConfigurationError, match="same sample shape"):
        augment.FakeSource([tiny_gan, big])
    with pytest.raises(DataError, match="does not exist"):
        augment.FakeSource(["missing.keras"])
    with pytest.raises(ConfigurationError, match="empty"):
        augment.FakeSource([])
    with pytest.raises(ConfigurationError, match="GANModel, a path"):
        augment.FakeSource(np.zeros(3))
    cyclegan = kgan.architectures.get("cyclegan")(input_shape=(8, 8, 1), width=4, n_res=1, seed=0)
    with pytest.raises(ConfigurationError, match="translates images"):
        augment.FakeSource(cyclegan)


def test_pool_draws_without_repetition_and_keeps_labels(tiny_cgan):
    pool = augment.FakePool.generate(tiny_cgan, 12, seed=0)
    assert len(pool) == 12 and pool.num_classes == 3
    images, labels = pool.draw(12, rng=0)
    assert len({img.tobytes() for img in images}) == 12 and sorted(labels.tolist()) == sorted(pool.labels.tolist())
    assert pool.draw(30, rng=0)[0].shape == (30, 8, 8, 1)
    with pytest.raises(DataError, match="integer classes"):
        augment.FakePool(np.zeros((3, 2, 2, 1)), labels=np.array([0.5, 1, 2]))
    with pytest.raises(DataError, match=r"n >= 1"):
        augment.FakePool(np.zeros((0, 2, 2, 1)))


def test_generator_snapshots_keep_copies_that_do_not_follow_training(tiny_gan, tiny_images):
    snapshots = augment.GeneratorSnapshots(every=2)
    tiny_gan.fit(tiny_images, batch_size=16, epochs=3, verbose=0, callbacks=[snapshots])
    assert snapshots.epochs == [2, 3] and len(snapshots.generators) == 2
    first, last = (augment.FakeSource(g).draw(4, rng=0)[0] for g in snapshots.generators)
    assert not np.allclose(first, last)
    np.testing.assert_allclose(last, augment.FakeSource(tiny_gan.sampling_generator).draw(4, rng=0)[0], atol=1e-5)
    with pytest.raises(ConfigurationError, match="positive integer"):
        augment.GeneratorSnapshots(every=0)


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (np.array([0, 1, 3]), r"\[0, 2\].*received values from 0 to 3"),
        (np.array([0, -1, 2]), r"from -1 to 2"),
        (np.array([0.0, 0.5, 1.0]), "whole numbers"),
        (np.eye(4)[[0, 1, 2]], "3 columns"),
        (np.full((3, 3), 0.5), "one-hot"),
        (np.zeros((3, 2, 2)), "shape"),
    ],
)
def test_bad_labels_name_the_problem(labels, match):
    with pytest.raises(DataError, match=match):
        augment.check_labels(labels, 3)


def test_labels_sparse_and_one_hot():
    classes, one_hot = augment.check_labels(np.eye(3)[[2, 0, 1]], 3)
    assert classes.tolist() == [2, 0, 1] and one_hot
    classes, one_hot = augment.check_labels(np.array([1.0, 2.0]), 3)
    assert classes.dtype == np.int64 and not one_hot


def _classifier(activation, units=4, shape=(8, 8, 1)):
    inputs = keras.Input(shape)
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(keras.layers.Flatten()(inputs)))


def test_classifier_heads_are_read_as_probabilities():
    x = np.random.default_rng(0).uniform(-1, 1, (5, 8, 8, 1)).astype("float32")
    assert augment.head_kind(_classifier("softmax")) == "softmax"
    logits = _classifier(None)
    assert augment.head_kind(logits) == "logits"
    p = augment.class_probabilities(logits, x)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(p, keras.ops.convert_to_numpy(keras.ops.softmax(logits(x))), atol=1e-5)


def test_classifier_checks_name_shape_and_head():
    with pytest.raises(ConfigurationError, match=r"'sigmoid'.*softmax"):
        augment.check_classifier(_classifier("sigmoid"), (8, 8, 1), 4)
    with pytest.raises(ConfigurationError, match=r"\(batch, 11\).*11 units"):
        augment.check_classifier(_classifier("softmax"), (8, 8, 1), 11)
    with pytest.raises(ConfigurationError, match=r"reads inputs of shape \(8, 8, 1\).*\(28, 28, 1\)"):
        augment.check_classifier(_classifier("softmax"), (28, 28, 1), 4)


def test_probe_sets():
    x = np.stack([np.full((4, 4, 1), v, np.float32) for v in (-1.0, 1.0, -1.0, 1.0)])
    y = np.array([0, 1, 0, 1])
    blends = augment.digit_blends(x, y, 50, seed=0)
    np.testing.assert_allclose(blends, 0.0)  # always one of each class: (-1 + 1) / 2
    np.testing.assert_array_equal(augment.inverted(x), -x)
    noise = augment.uniform_noise(100, (4, 4, 1), seed=0)
    assert noise.shape == (100, 4, 4, 1) and -1 <= noise.min() < -0.9 and 0.9 < noise.max() <= 1
    with pytest.raises(DataError, match="two classes"):
        augment.digit_blends(x, np.zeros(4, int), 5)


def test_blends_mix_two_examples_of_different_classes_with_weights_in_range():
    # class 0 is all -1, class 1 all +1, class 2 all 0.5: a blend's value tells its weight and its pair
    x = np.stack([np.full((3, 3, 1), v, np.float32) for v in (-1.0, 1.0, 0.5)] * 4)
    y = np.array([0, 1, 2] * 4)
    blends = augment.Blends(x, y, mix=(0.3, 0.7))
    assert blends.sample_shape == (3, 3, 1) and blends.num_classes is None
    images, labels = blends.draw(2000, rng=0)
    assert images.shape == (2000, 3, 3, 1) and labels is None
    assert np.ptp(images, axis=(1, 2, 3)).max() == 0  # each blend is uniform, as its two parents are
    values = images[:, 0, 0, 0]
    # t*a + (1-t)*b with a != b: never a pure parent value, and within the mixes of the three pairs
    pure = np.isclose(values[:, None], np.array([-1.0, 1.0, 0.5])).any(axis=1)
    assert not pure.any()
    assert values.min() >= 0.7 * -1 + 0.3 * 0.5 - 1e-6 and values.max() <= 0.7 * 1 + 0.3 * 0.5 + 1e-6  # t <= 0.7
    again, _ = augment.Blends(x, y, mix=(0.3, 0.7)).draw(2000, rng=0)
    np.testing.assert_array_equal(again, images)  # same rng seed, same blends
    half, _ = augment.Blends(x, y, mix=(0.5, 0.5)).draw(100, rng=1)
    assert np.isin(np.round(half[:, 0, 0, 0], 4), [0.0, -0.25, 0.75]).all()  # exactly the pair means
    with pytest.raises(DataError, match="Blends needs examples of at least two classes"):
        augment.Blends(x, np.zeros(12, int))
    with pytest.raises(ConfigurationError, match=r"mix: expected \(low, high\) with 0 <= low <= high <= 1, received \(0.8, 0.2\)"):
        augment.Blends(x, y, mix=(0.8, 0.2))
    with pytest.raises(DataError, match="y: expected integer classes"):
        augment.Blends(x, y.astype(float))


def test_random_fields_span_speckle_to_blobs_at_any_brightness():
    fields = augment.RandomFields((16, 16, 1), smoothing=(0.0, 3.0))
    images, labels = fields.draw(400, rng=0)
    assert images.shape == (400, 16, 16, 1) and labels is None and fields.num_classes is None
    assert images.min() >= -1 and images.max() <= 1
    means = images.mean(axis=(1, 2, 3))
    assert means.min() < -0.5 and means.max() > 0.5  # dark and bright grounds
    np.testing.assert_array_equal(augment.RandomFields((16, 16, 1)).draw(400, rng=0)[0], images)

    def roughness(batch):  # mean jump between neighbouring pixels, per unit of contrast
        return np.abs(np.diff(batch, axis=1)).mean() / (batch.std(axis=(1, 2, 3)).mean() + 1e-6)

    speckle, _ = augment.RandomFields((16, 16, 1), smoothing=(0.0, 0.0)).draw(100, rng=1)
    blobs, _ = augment.RandomFields((16, 16, 1), smoothing=(3.0, 3.0)).draw(100, rng=1)
    assert roughness(speckle) > 4 * roughness(blobs)
    with pytest.raises(ConfigurationError, match=r"smoothing: expected \(low, high\) with 0 <= low <= high"):
        augment.RandomFields((16, 16, 1), smoothing=(2, 1))
    with pytest.raises(ConfigurationError, match=r"sample_shape: expected images \(H, W, C\)"):
        augment.RandomFields((16, 16))


def test_mixture_draws_each_source_in_its_share(tiny_cgan):
    ones = augment.FakePool(np.ones((50, 2), np.float32))
    zeros = augment.FakePool(np.zeros((50, 2), np.float32))
    mixture = augment.Mixture([ones, zeros], weights=[3, 1])
    images, labels = mixture.draw(101, rng=0)
    assert labels is None and images.shape == (101, 2) and mixture.sample_shape == (2,)
    assert images[:, 0].sum() == 76  # floor(0.75 * 101) = 75, plus the remainder to the larger share
    assert images[:50, 0].sum() not in (0, 50)  # shuffled, not one source after the other
    labelled = augment.FakePool(np.zeros((10, 2), np.float32), np.arange(10) % 2)
    assert augment.Mixture([labelled, labelled], [1, 1]).draw(10, rng=0)[1] is not None
    assert augment.Mixture([labelled, ones], [1, 1]).num_classes is None  # mixed kinds: labels dropped
    with pytest.raises(ConfigurationError, match="one share per source; received 1 for 2"):
        augment.Mixture([ones, zeros], [1])
    with pytest.raises(ConfigurationError, match="non-negative shares"):
        augment.Mixture([ones, zeros], [1, -1])
    with pytest.raises(ConfigurationError, match="one shape"):
        augment.Mixture([ones, augment.FakePool(np.zeros((5, 3), np.float32))], [1, 1])


def test_equal_rate_threshold_rejects_exactly_that_many_clean_inputs():
    values = np.random.default_rng(0).uniform(size=200)
    for rate in (0.0, 0.05, 0.5):
        t = augment.equal_rate_threshold(values, rate)
        assert (values < t).mean() == pytest.approx(rate)
    assert augment.equal_rate_threshold(values, 1.0) == np.inf
