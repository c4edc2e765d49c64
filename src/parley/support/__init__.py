"""Tech support: troubleshooting guides (data in guides/) walked one step at a time."""

from parley.support.guides import Guide, GuideError, Guides, guides_dir, load_guide, load_guides

__all__ = ["Guide", "GuideError", "Guides", "guides_dir", "load_guide", "load_guides"]
