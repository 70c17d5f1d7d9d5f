"""The building blocks every declared file shape is made of: a mapping of known keys (``Shape``), an
error in our own words (``fail``) and the names shown per language (``DisplayNameSpec``).

They live here, not in ``sim.schema``, so that the reforms can check their arguments with the same
declarations (a reform's ``display_name`` is checked like a section's): ``sim.schema`` imports
``sim.reforms``, so ``sim.reforms`` cannot import ``sim.schema``. ``sim.schema`` re-exports them.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


def fail(reason: str, at: tuple = ()) -> PydanticCustomError:
    """An error with our own wording; ``at`` continues the path below the value checked (a key)."""
    return PydanticCustomError("input", "{reason}", {"reason": reason, "at": at})


class Shape(BaseModel):
    """A mapping of known keys: an unknown key is named with the allowed ones. Optional blocks are
    ``X | None``: ``leaders:`` with nothing after it is the same as leaving it out."""
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, v):
        if isinstance(v, dict):
            allowed = [f.alias or n for n, f in cls.model_fields.items()]
            for k in v:
                if k not in allowed:
                    raise fail(f"unknown key (allowed: {', '.join(allowed)})", at=(k,))
        return v


class DisplayNameSpec(Shape):
    """The name shown in each language (``python -m sim ... --lang zh|en``); a language left out falls
    back to a section's or body's ``name`` (Chinese) or to its id (English)."""
    zh: Annotated[str, Field(min_length=1, description="Chinese name"), BeforeValidator(str)] | None = None
    en: Annotated[str, Field(min_length=1, description="English name"), BeforeValidator(str)] | None = None


DISPLAY_NAME = "names shown per language: {zh: ..., en: ...}"


def display_names(spec: DisplayNameSpec | None) -> dict[str, str]:
    """A checked ``display_name`` as {language: name}, the languages given only."""
    return {k: v for k, v in spec.model_dump().items() if v is not None} if spec is not None else {}
