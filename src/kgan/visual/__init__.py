"""Pictures of a GAN: sample grids, training animations and latent walks (numpy and Pillow only)."""

from kgan.visual.animation import build_animation, select_frames
from kgan.visual.grid import make_grid, save_grid, save_images
from kgan.visual.latent import latent_walk, save_walk, slerp

__all__ = ["make_grid", "save_grid", "save_images", "latent_walk", "save_walk", "slerp", "build_animation", "select_frames"]
