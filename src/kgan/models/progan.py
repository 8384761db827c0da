"""ProGANModel: progressive growing of GANs (Karras et al., 2018), driven by the model's own counter."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
from keras import ops

from kgan.arguments import check_int
from kgan.errors import ConfigurationError
from kgan.models.capabilities import Capabilities
from kgan.models.gan_model import GANModel

__all__ = ["ProGANModel", "growth_resolutions", "growth_schedule"]


def growth_resolutions(size: int, min_start: int = 4, max_start: int = 8) -> list[int]:
    """The resolutions ProGAN grows through to reach ``size``: halve it while the half is a whole
    number of at least ``min_start`` pixels; the start must then be at most ``max_start``.

    ``28 -> [7, 14, 28]``, ``32 -> [4, 8, 16, 32]``, ``8 -> [4, 8]``.

    Raises:
        ConfigurationError: When no start in ``[min_start, max_start]`` doubles up to ``size``
            (for example 30 = 15 * 2 or 36 = 9 * 4).
    """
    resolutions = [int(size)]
    while resolutions[0] % 2 == 0 and resolutions[0] // 2 >= min_start:
        resolutions.insert(0, resolutions[0] // 2)
    if resolutions[0] > max_start or len(resolutions) < 2:
        raise ConfigurationError(
            f"ProGAN grows images by doubling from a start of {min_start} to {max_start} pixels; size {size} "
            f"cannot be reached that way (halving it stops at {resolutions[0]}). Use a size such as 28 "
            f"(7 -> 14 -> 28), 32 (4 -> ... -> 32) or 64, or resize your images."
        )
    return resolutions


def growth_schedule(images_seen, phase_images: int, stages: int):
    """``(stage, alpha)`` after ``images_seen`` training images (keras ops or numpy scalars).

    Stage 0 trains for ``phase_images`` images at the lowest resolution; every later stage ``s``
    first fades its new block in over ``phase_images`` images (``alpha`` rising linearly from 0 to
    1), then trains it stably for ``phase_images`` more. After the last stage, ``(stages - 1, 1.0)``.
    """
    p = ops.cast(images_seen, "float32") / float(phase_images)
    stage = ops.minimum(ops.floor((p + 1.0) / 2.0), float(stages - 1))
    alpha = ops.where(stage < 1.0, 1.0, ops.clip(p - (2.0 * stage - 1.0), 0.0, 1.0))
    beyond = p >= float(2 * stages - 1)
    return ops.where(beyond, float(stages - 1), stage), ops.where(beyond, 1.0, alpha)


class _GrowthState:
    """The per-stage machinery of a ProGANModel's ``fit``: a plain object, so Keras neither tracks nor
    saves the sub-networks it caches (they share the model's layers)."""

    def __init__(self):
        self.generators: dict[int, keras.Model] = {}
        self.dispatcher = None
        self.active: int | None = None  # the stage whose step is being traced or run
        self.next_stage: int | None = None  # during fit: the stage of the next step


@keras.saving.register_keras_serializable(package="kgan")
class ProGANModel(GANModel):
    """A GAN that grows from low resolution to full while ``fit`` runs.

    The networks are built once at every resolution ``r_0 < r_1 < ... < r_{S-1} = H``
    ([`growth_resolutions()`][kgan.models.progan.growth_resolutions]); the model's counter `images_seen` (saved with it, so a resumed
    run continues the schedule) gives the current ``(stage, alpha)`` ([`growth_schedule()`][kgan.models.progan.growth_schedule]), and
    with it which parts take part:

    - the generator ``z -> [rgb_0, ..., rgb_{S-1}]`` outputs an image at every resolution; at stage ``s``
      the sample is ``alpha * rgb_s + (1 - alpha) * up(rgb_{s-1})``;
    - the discriminator reads the image at ``r_s``: ``head(block_1(... block_s(from_rgb_s(x))))``,
      during a fade ``alpha * block_s(from_rgb_s(x)) + (1 - alpha) * from_rgb_{s-1}(down(x))``;
    - real images are shown to D at ``r_s``, blended the same way during a fade.

    **Growing saves time.** In ``fit`` each training step computes only the active parts, at the
    stage's own resolution: a sub-network of the generator up to ``rgb_s`` and the discriminator's
    ``from_rgb`` / ``block`` / ``head`` parts (named so in [`progan_discriminator()`][kgan.architectures.progan.progan_discriminator]).
    The step is compiled once per stage (``S`` compilations in a run). Elsewhere — ``evaluate``,
    sampling, a discriminator without those parts, ``replay_size > 0`` or ``steps_per_execution > 1``
    — the model runs the whole networks at full size with gates ([`gates()`][kgan.models.progan.ProGANModel.gates]) that switch
    D's parts on, off or to the blend; the two paths compute the same logits (tested), except that
    the gradient penalty is taken with respect to the image D reads: at ``r_s`` in ``fit``, at full
    size on the gated path.

    Outputs of ``generate``, ``predict`` and ``sample_fixed`` are always ``(batch, H, W, C)``: before
    the last stage they are blocky by design (upsampled by nearest neighbour).

    Args:
        generator: ``(batch, latent_dim) -> [S images]``, image ``k`` of size ``r_k``.
        discriminator: ``[(batch, H, W, C), (batch, 2S - 1)] -> (batch, 1)``.
        phase_images: Training images per phase (stage 0, then a fade and a stable phase per stage).
        grow_fast: ``False`` trains with the whole networks and gates at every step, as kgan 0.1
            did (the same results, slower; for comparisons).
        **kwargs: As [`GANModel`][kgan.GANModel].
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, phase_images: int = 20_000, grow_fast: bool = True, **kwargs):
        check_int("phase_images", phase_images)
        if not isinstance(grow_fast, bool):
            raise ConfigurationError(f"grow_fast must be True or False, received {grow_fast!r}.")
        super().__init__(generator, discriminator, **kwargs)
        self.phase_images = int(phase_images)
        self.grow_fast = grow_fast
        self.stages = len(self.resolutions)
        self.images_seen = self.add_weight(shape=(), dtype="int64", initializer="zeros", trainable=False, name="images_seen")
        self._growth = _GrowthState()

    @property
    def resolutions(self) -> list[int]:
        """The side of each of the generator's outputs, smallest first."""
        return [int(o.shape[1]) for o in self.generator.outputs]

    @classmethod
    def network_sample_shape(cls, generator: keras.Model, discriminator: keras.Model) -> tuple:
        shapes = [tuple(o.shape[1:]) for o in generator.outputs]
        if len(shapes) < 2:
            raise ConfigurationError("A ProGAN generator outputs one image per resolution, at least two; it has one output.")
        for (h0, _, c0), (h1, _, c1) in zip(shapes, shapes[1:]):
            if h1 != 2 * h0 or c0 != c1:
                raise ConfigurationError(f"ProGAN generator outputs must double in size with equal channels; got {shapes}.")
        d_inputs = [tuple(i.shape[1:]) for i in discriminator.inputs]
        if len(d_inputs) != 2 or d_inputs[0] != shapes[-1] or d_inputs[1] != (2 * len(shapes) - 1,):
            raise ConfigurationError(
                f"A ProGAN discriminator takes [images {shapes[-1]}, gates ({2 * len(shapes) - 1},)]; it takes {d_inputs}."
            )
        return shapes[-1]

    # === Schedule ===

    def schedule(self):
        """``(stage, alpha)`` now, as float scalars (see [`growth_schedule()`][kgan.models.progan.growth_schedule])."""
        return growth_schedule(self.images_seen, self.phase_images, self.stages)

    @property
    def resolution(self) -> int:
        """The resolution being trained now (the incoming one during a fade)."""
        return self.resolutions[self._current_stage()]

    def gates(self, batch_size):
        """D's gates ``(batch, 2S - 1)``: from-RGB weights ``w_0..w_{S-1}`` then block gates ``g_1..g_{S-1}``."""
        stage, alpha = self.schedule()
        k = ops.cast(ops.arange(self.stages), "float32")
        w = ops.cast(k == stage, "float32") + ops.cast(k == stage - 1.0, "float32") * (1.0 - alpha)
        g = ops.cast(k[1:] < stage, "float32") + ops.cast(k[1:] == stage, "float32") * alpha
        row = ops.concatenate([w, g])
        return ops.tile(ops.expand_dims(row, 0), (batch_size, 1))

    def _up(self, image, factor: int):
        if factor == 1:
            return image
        return ops.repeat(ops.repeat(image, factor, axis=1), factor, axis=2)

    def _down(self, image, factor: int):
        if factor == 1:
            return image
        return ops.average_pool(image, factor, factor, padding="valid")

    def _blend_weights(self):
        """Per resolution ``k``: ``alpha`` for the current stage, ``1 - alpha`` for the one before, else 0."""
        stage, alpha = self.schedule()
        return [
            ops.cast(ops.equal(stage, float(k)), "float32") * alpha + ops.cast(ops.equal(stage - 1.0, float(k)), "float32") * (1.0 - alpha)
            for k in range(self.stages)
        ]

    def compose(self, images):
        """The full-size sample from the generator's per-resolution outputs at the current stage."""
        full = self.resolutions[-1]
        out = 0.0
        for k, (image, weight) in enumerate(zip(images, self._blend_weights(), strict=True)):
            out = out + weight * self._up(image, full // self.resolutions[k])
        return out

    def fade_real(self, x):
        """Real images as D should see them now: at the stage's resolution (blended during a fade), full size."""
        full = self.resolutions[-1]
        out = 0.0
        for r, weight in zip(self.resolutions, self._blend_weights(), strict=True):
            out = out + weight * self._up(self._down(x, full // r), full // r)
        return out

    @property
    def capabilities(self) -> Capabilities:
        return dataclasses.replace(super().capabilities, plain_generator=False)  # one output per resolution

    # === Hooks ===

    def generate_fakes(self, batch_size, labels=None, training: bool = False):
        stage = self._growth.active
        if stage is None:
            return self.compose(self.generator(self.sample_latents(batch_size), training=training))
        images = self._stage_generator(stage)(self.sample_latents(batch_size), training=training)
        if stage == 0:
            return images[0] if isinstance(images, (list, tuple)) else images
        return self._fade_in(images[1], images[0])

    def _fade_in(self, image, previous):
        """``alpha * image + (1 - alpha) * up(previous)``: the stage's image at ``r_s`` blended with
        the previous stage's at ``r_s / 2`` (``alpha`` is 1 outside a fade)."""
        _, alpha = self.schedule()
        return alpha * image + (1.0 - alpha) * self._up(previous, 2)

    def discriminate(self, samples, labels=None, training: bool = True, augment: bool = True):
        samples = self.augmented(samples, training, augment)
        stage = self._growth.active
        if stage is None:
            return self.discriminator([samples, self.gates(ops.shape(samples)[0])], training=training)
        return self._discriminate_at(stage, samples, training)

    def _discriminate_at(self, stage: int, x, training: bool):
        """D's logits for images ``x`` at ``r_stage``, computing only the parts that stage uses."""
        part = self.discriminator.get_layer
        hidden = part(f"from_rgb_{self.resolutions[stage]}")(x, training=training)
        if stage > 0:
            _, alpha = self.schedule()
            hidden = part(f"block_{self.resolutions[stage]}")(hidden, training=training)
            previous = part(f"from_rgb_{self.resolutions[stage - 1]}")(self._down(x, 2), training=training)
            hidden = alpha * hidden + (1.0 - alpha) * previous
        for k in range(stage - 1, 0, -1):
            hidden = part(f"block_{self.resolutions[k]}")(hidden, training=training)
        return part("head")(hidden, training=training)

    def unpack_batch(self, data):
        x, y = super().unpack_batch(data)
        stage = self._growth.active
        if stage is None:
            return self.fade_real(x), y
        x = self._down(x, self.resolutions[-1] // self.resolutions[stage])
        if stage > 0:
            x = self._fade_in(x, self._down(x, 2))
        return x, y

    def call(self, inputs, training: bool = False):
        return self.compose(self.sampling_generator(inputs, training=False))

    def sample_fixed(self, n: int | None = None) -> np.ndarray:
        z = self.fixed_latents if n is None else self.fixed_latents[:n]
        return np.asarray(keras.ops.convert_to_numpy(self.compose(self.sampling_generator(z, training=False))))

    def train_step(self, data):
        logs = super().train_step(data)
        x, _ = super().unpack_batch(data)
        self.images_seen.assign(self.images_seen + ops.cast(self.global_batch_size(ops.shape(x)[0]), "int64"))
        stage, alpha = self.schedule()
        # progress shows in the logs (averaged over the epoch by Keras' progress bar, exact in the last step)
        return {**logs, "stage": stage, "alpha": alpha}

    # === Growing for speed: one compiled step per stage ===

    @property
    def grows_fast(self) -> bool:
        """Whether ``fit`` computes only the active stage (see the class docs); ``False`` falls back to
        the whole networks with gates, which gives the same results more slowly."""
        names = {layer.name for layer in self.discriminator.layers}
        parts = {f"from_rgb_{r}" for r in self.resolutions} | {f"block_{r}" for r in self.resolutions[1:]} | {"head"}
        return self.grow_fast and parts <= names and not self.replay_size and int(getattr(self, "steps_per_execution", 1) or 1) == 1

    def _stage_generator(self, stage: int) -> keras.Model:
        """The generator's sub-network ``z -> [rgb_{stage-1}, rgb_stage]`` (``[rgb_0]`` at stage 0),
        sharing its layers; Keras computes only what those outputs need."""
        if stage not in self._growth.generators:
            outputs = self.generator.outputs[max(stage - 1, 0) : stage + 1]
            self._growth.generators[stage] = keras.Model(self.generator.inputs, outputs, name=f"generator_stage_{stage}")
        return self._growth.generators[stage]

    def _current_stage(self) -> int:
        return int(keras.ops.convert_to_numpy(self.schedule()[0]))

    def make_train_function(self, force=False):
        if not self.grows_fast:
            self._growth.dispatcher = None
            return super().make_train_function(force)
        if self._growth.dispatcher is not None and self.train_function is self._growth.dispatcher and not force:
            return self.train_function
        # every stage's function is made now, before fit starts: making one reads the variables
        # (their shardings under keras.distribution), which JAX's fit holds elsewhere while it runs;
        # each is traced (compiled) at its first call, with `active` set to its stage
        functions: dict[int, object] = {}
        for stage in range(self.stages):
            self._stage_generator(stage)
            super().make_train_function(force=True)
            functions[stage] = self.train_function

        def train_function(*args):
            stage = self._growth.next_stage
            if stage is None:  # outside fit (train_on_batch): the variable is current
                stage = self._current_stage()
            self._growth.active = stage  # read while the step is traced (first call, or a retrace)
            try:
                out = functions[stage](*args)
            finally:
                self._growth.active = None
            logs = out[0] if isinstance(out, tuple) else out  # JAX returns (logs, state)
            self._growth.next_stage = int(float(keras.ops.convert_to_numpy(logs["stage"])))
            return out

        self._growth.dispatcher = train_function
        self.train_function = train_function
        return train_function

    def fit(self, x=None, y=None, *args, **kwargs):
        """``GANModel.fit``; the stage is read from `images_seen` before it starts (a resumed run
        continues where the schedule stopped)."""
        self._growth.next_stage = self._current_stage()
        try:
            return super().fit(x, y, *args, **kwargs)
        finally:
            self._growth.next_stage = None

    def get_config(self) -> dict:
        return {**super().get_config(), "phase_images": self.phase_images, "grow_fast": self.grow_fast}
