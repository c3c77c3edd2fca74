"""hitflow: turn messy multi-stage crowd work into trustworthy data."""

__version__ = "0.1.0"
