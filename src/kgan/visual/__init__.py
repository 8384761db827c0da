"""Pictures of a GAN: sample grids and training animations (numpy and Pillow only)."""

from kgan.visual.animation import build_animation, select_frames
from kgan.visual.grid import make_grid, save_grid

__all__ = ["make_grid", "save_grid", "build_animation", "select_frames"]
