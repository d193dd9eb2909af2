"""Ways in and out of warrantbook: an agreement's own text (agreement.py) and Open Cap Format (ocf/)."""
