"""Mixed real/fake classifier data: batch composition, label forms, hard-negative mining, checks."""

import keras
import numpy as np
import pytest

from kgan import augment
from kgan.errors import ConfigurationError, DataError


def real(n=20, k=3, shape=(8, 8, 1)):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, *shape)).astype("float32"), np.arange(n) % k


def signed_pool(n=40, shape=(8, 8, 1)):
    """Half the fakes all +1, half all -1 (unlabelled)."""
    return augment.FakePool(np.concatenate([np.ones((n // 2, *shape)), -np.ones((n // 2, *shape))]).astype("float32"))


def reject_favours_bright(k=3, shape=(8, 8, 1)):
    """A softmax classifier with p(reject | x) ~ 1 for bright images and ~ 0 for dark ones."""
    inputs = keras.Input(shape)
    dense = keras.layers.Dense(k + 1, activation="softmax")
    model = keras.Model(inputs, dense(keras.layers.Flatten()(inputs)))
    kernel = np.zeros((int(np.prod(shape)), k + 1), "float32")
    kernel[:, k] = 1.0
    dense.set_weights([kernel, np.zeros(k + 1, "float32")])
    return model


def test_every_batch_is_reals_then_fakes_labelled_k_and_each_real_is_seen_once_per_epoch():
    x, y = real()
    data = augment.RejectClassDataset(x, y, signed_pool(), num_classes=3, batch_size=8, fake_ratio=0.5, seed=0)
    assert len(data) == 3 and data.reject_class == 3
    seen = []
    for i in range(len(data)):
        xb, yb = data[i]
        n_real = min(8, 20 - 8 * i)
        assert xb.shape == (n_real + 4, 8, 8, 1) and yb.shape == (n_real + 4,)
        assert (yb[n_real:] == 3).all() and (yb[:n_real] < 3).all()
        seen.extend(map(bytes, (xb[j].tobytes() for j in range(n_real))))
    assert sorted(seen) == sorted(x[j].tobytes() for j in range(20))
    with pytest.raises(IndexError):
        data[3]


def test_one_hot_labels_come_out_one_hot_with_the_reject_column():
    x, y = real()
    data = augment.RejectClassDataset(x, np.eye(3)[y], signed_pool(), num_classes=3, batch_size=8)
    _, yb = data[0]
    assert yb.shape == (12, 4) and (yb.sum(axis=1) == 1).all() and (yb[8:, 3] == 1).all()


def test_fit_trains_a_k_plus_one_classifier():
    _, y = real()
    model = augment.small_classifier((12, 12, 1), 4)
    x12 = np.random.default_rng(1).uniform(-1, 1, (20, 12, 12, 1)).astype("float32")
    data = augment.RejectClassDataset(x12, y, augment.FakePool(np.zeros((10, 12, 12, 1), "float32")), num_classes=3, batch_size=8)
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["loss"]).all()


def test_hard_negatives_are_the_fakes_the_classifier_gets_most_wrong():
    x, y = real()
    data = augment.RejectClassDataset(
        x, y, signed_pool(), num_classes=3, batch_size=8, fake_ratio=0.5, hard_negatives=1.0, classifier=reject_favours_bright()
    )
    first_epoch = np.concatenate([data[i][0][-4:] for i in range(len(data))])
    assert (first_epoch.reshape(len(first_epoch), -1).mean(axis=1) > 0).any()  # epoch 0: random fakes
    data.on_epoch_end()
    mined = np.concatenate([data[i][0][-4:] for i in range(len(data))])
    assert (mined == -1).all()  # the dark fakes: p(reject) ~ 0 for them
    assert data.mined_reject_probability[-1] < 1e-6


def test_half_hard_negatives_keeps_random_fakes_too():
    x, y = real()
    data = augment.RejectClassDataset(
        x, y, signed_pool(400), num_classes=3, batch_size=8, fake_ratio=2.0, hard_negatives=0.5, classifier=reject_favours_bright()
    )
    data.on_epoch_end()
    fakes = np.concatenate([data[i][0][-16:] for i in range(len(data))])
    dark = (fakes.reshape(len(fakes), -1).mean(axis=1) < 0).mean()
    assert 0.6 < dark < 0.9  # half mined (all dark) + half random (about half dark)


def test_conditional_fakes_keep_their_classes():
    x, y = real()
    images = np.concatenate([np.full((5, 8, 8, 1), c / 10, "float32") for c in range(3)])
    pool = augment.FakePool(images, labels=np.repeat(np.arange(3), 5))
    data = augment.ConditionalFakesDataset(x, y, pool, num_classes=3, batch_size=10, fake_ratio=1.0)
    for i in range(len(data)):
        xb, yb = data[i]
        np.testing.assert_allclose(xb[10:, 0, 0, 0], yb[10:] / 10, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"hard_negatives": 0.5}, ConfigurationError, "needs classifier="),
        ({"hard_negatives": 1.5}, ConfigurationError, r"hard_negatives: expected a number in \[0, 1\]"),
        ({"fake_ratio": 0}, ConfigurationError, "fake_ratio"),
        ({"batch_size": 0}, ConfigurationError, "batch_size"),
        ({"num_classes": 2}, DataError, r"\[0, 1\] for num_classes=2"),
        ({"y": np.arange(19)}, DataError, "19 labels for 20"),
        ({"x": np.full((20, 8, 8, 1), 255.0)}, DataError, "x / 127.5 - 1"),
        ({"x": np.zeros((20, 4, 4, 1))}, ConfigurationError, r"samples of shape \(8, 8, 1\) but x has shape \(4, 4, 1\)"),
        ({"classifier": reject_favours_bright(k=4)}, ConfigurationError, r"\(batch, 4\)"),
    ],
)
def test_bad_input_is_refused_before_training(kwargs, error, match):
    x, y = real()
    args = {"x": x, "y": y, "fakes": signed_pool(), "num_classes": 3, **kwargs}
    with pytest.raises(error, match=match):
        augment.RejectClassDataset(**args)


def test_conditional_dataset_refuses_unconditional_or_mismatched_fakes():
    x, y = real()
    with pytest.raises(ConfigurationError, match="RejectClassDataset"):
        augment.ConditionalFakesDataset(x, y, signed_pool(), num_classes=3)
    pool = augment.FakePool(np.zeros((4, 8, 8, 1)), labels=np.arange(4))
    with pytest.raises(ConfigurationError, match="4 classes but num_classes is 3"):
        augment.ConditionalFakesDataset(x, y, pool, num_classes=3)
