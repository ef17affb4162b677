"""dalgo: data-driven algorithm configuration."""

__version__ = "0.1.0"

__all__ = ["__version__"]
