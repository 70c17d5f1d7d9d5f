"""分管: deputies in charge of sections, and who must countersign (会签) when a matter crosses.

The rule, applied when routes are compiled (it is structural: the same for every task):

* A body may name, for each of its deputy directors, the sections they are in charge of
  (``Body.in_charge``: leader id -> section ids). An approval at the deputy level
  (``deputy_director``) and a cross-section or cross-body letter go to the deputy in charge of the
  section the matter comes from; a section no deputy is in charge of falls back to the body's
  ``deputy_director`` post, else its director (as before this rule).
* A matter that crosses a section line into a section under *another* deputy needs both to sign
  (会签, ``params.deputies.countersign``): the sending section's deputy, then the receiving one's,
  each an item in their in-tray. Merging the two sections, or putting them under one deputy,
  removes it.
* A director who heads the body concurrently with direct handling (兼任) skips every deputy, and
  consecutive levels held by one person collapse into one sign-off (``sim.mechanisms.approvals``).

Why: a bureau has three or four deputies, each 分管 some sections; with one deputy per body the
model had no cost for a matter that crosses between two deputies' areas, which is where merging
sections under one deputy saves most (and where a merger across two deputies' areas saves less).
"""
from __future__ import annotations

from ..structure import Structure

DEPUTY_LEVEL = "deputy_director"


def deputy_in_charge(st: Structure, body_id: str, section_id: str | None) -> str | None:
    """The deputy in charge of ``section_id`` (分管), or None if the body names none for it."""
    return st.body(body_id).deputy_for(section_id) if section_id is not None else None


def letter_signer(st: Structure, body_id: str, section_id: str | None = None) -> str | None:
    """Who signs a body's letter about a section's matter: the deputy in charge of the section, else
    the body's deputy director, else its director, else any of its leaders (None: the head signs)."""
    b = st.body(body_id)
    return (deputy_in_charge(st, body_id, section_id) or b.leaders.get(DEPUTY_LEVEL) or b.leaders.get("director")
            or next(iter(b.leaders.values()), None))


def countersigners(st: Structure, body_id: str, sender_id: str, receiver_id: str) -> list[str]:
    """The deputies who must both sign when a matter crosses from ``sender_id`` to ``receiver_id``
    inside one body (会签): empty unless both sections are in the charge of different deputies."""
    a = deputy_in_charge(st, body_id, sender_id)
    b = deputy_in_charge(st, body_id, receiver_id)
    return [a, b] if a is not None and b is not None and a != b else []


def all_deputies(st: Structure, body_id: str) -> set[str]:
    """Every deputy of a body: the deputy-level post and every leader in charge of sections."""
    b = st.body(body_id)
    return ({b.leaders[DEPUTY_LEVEL]} if DEPUTY_LEVEL in b.leaders else set()) | set(b.in_charge)
