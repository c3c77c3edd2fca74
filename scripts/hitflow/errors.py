"""The one exception users see: a short, specific reason, printed on one line."""


class HitflowError(Exception):
    """A problem with the user's input or setup, phrased for the user."""
