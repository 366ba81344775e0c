"""The error code every conflict of a write of figures carries (`Message.code`, DHIS2's `errorCode`).

The one place where a treem problem is mapped to a code. DHIS2 clients branch on these codes, so treem uses
DHIS2's own (ErrorCode E76xx, "Data import validation") wherever one means the same thing, and a TREEM_
code where DHIS2 has no such refusal (it silently keeps the last of two duplicates, it has no import check
of validation rules, no preview and no concurrent-write refusal). A conflict's `object` is the offending
identifier (noted per code), never a row position; `indexes` are the positions of the inputs it concerns.
"""

from __future__ import annotations

# DHIS2's codes. object: the data element code.
ELEMENT_NOT_FOUND = "E7610"  # no element with that code
VALUE_MISSING = "E7618"  # a row without value or comment, or with a field DHIS2 does not have (the readers)
VALUE_INVALID = "E7619"  # the value does not match the element's type (or holds a NUL character)
COMMENT_INVALID = "E7620"  # the comment is too long
# An element computed from the registers (derived) cannot be typed for periods from its `derived_since`:
# for that element those periods are not open for entry, DHIS2's "period not open for this data set".
DERIVED_ELEMENT = "E7643"

# object: the period code.
PERIOD_INVALID = "E7611"

# object: the organisation unit code. A code outside the user's area is answered exactly like an unknown
# one (text and code), so a conflict never tells whether a unit the user may not see exists: both are E7612
# "Organisation unit not found or not accessible" (DHIS2's own words cover both; E7617 "not in hierarchy of
# current user" would tell a client that an unknown code exists). A unit that did not exist in the period is
# E7612 too.
UNIT_NOT_FOUND = "E7612"
NOT_PERMITTED = "E7617"  # the unit is in the user's area but the user's agency does not supply the element
WRONG_LEVEL = "E7636"  # the element is collected at another unit level ("must be assigned to the unit")
# A cell frozen above the engine (the figures of an accepted report): DHIS2's "data already approved".
LOCKED = "E7642"

# object: the category option combo code.
COMBO_NOT_FOUND = "E7613"  # no combo with that code
COMBO_NOT_OF_ELEMENT = "E7634"  # the combo exists but does not disaggregate this element
ATTRIBUTE_COMBO = "E7615"  # a non-default attributeOptionCombo (set by the readers)

# treem's own. object as noted.
DUPLICATE = "TREEM_DUPLICATE"  # the same value twice in one write; object: the element code
RULE_BROKEN = "TREEM_RULE"  # a rule between elements would be broken; object: the rule code
CHANGED_SINCE_PREVIEW = "TREEM_CHANGED"  # the stored value changed after a preview; object: element code
CONCURRENT_WRITE = "TREEM_CONCURRENT"  # lost to concurrent writers; nothing written; object: empty
