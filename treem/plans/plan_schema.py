"""JSON Schema of a plan file (docs/plan-file.md). Checked before anything is loaded."""

CODE = {"type": "string", "pattern": r"^[A-Za-z0-9][\w.\-]*$"}
AGENCY_REF = {
    "oneOf": [
        CODE,
        {"type": "object", "required": ["code"], "properties": {"code": CODE, "name": {"type": "string"}}},
    ]
}
TEXT = {"type": "string", "minLength": 1}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
NULLABLE_DATE = {"oneOf": [DATE, {"type": "null"}]}
PERIOD = {"oneOf": [{"type": "string", "pattern": r"^\d{4}(S[12]|Q[1-4]|0[1-9]|1[0-2])?$"}, {"type": "null"}]}
PLAN_CODE = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9\-]*$", "maxLength": 40}
NUMBERED_TEXT = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["number", "text"],
        "additionalProperties": False,
        "properties": {"number": {"type": "integer", "minimum": 1}, "text": TEXT},
    },
}

PLAN_SCHEMA = {
    "type": "object",
    "required": [
        "code",
        "year",
        "province",
        "owner",
        "title",
        "document",
        "legal_bases",
        "general_objective",
        "data_elements",
        "targets",
        "solutions",
        "funding_sources",
        "tasks",
        "milestones",
    ],
    "properties": {
        "code": PLAN_CODE,
        # A draft (made by copy_plan or edited in the browser) until it is issued; a file without it is
        # an issued plan. `source`: the plan it was drafted from (must already be loaded).
        "status": {"enum": ["draft", "issued"]},
        "source": {"oneOf": [PLAN_CODE, {"type": "null"}]},
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "province": {"type": "string", "pattern": r"^\d{2}$"},
        "owner": AGENCY_REF,
        "title": TEXT,
        "document": {
            "type": "object",
            "required": ["type", "issuer"],
            "properties": {
                "type": TEXT,
                "number": {"type": ["string", "null"]},
                "date": NULLABLE_DATE,
                "issuer": TEXT,
                "place": {"type": ["string", "null"]},
                "signer": {"type": "object"},
                "recipients": {"type": "array", "items": {"type": "string"}},
                # Only a draft carries it: who made the text and that it is not an official document.
                "draft_note": {"type": ["string", "null"]},
            },
        },
        "preamble": {"type": ["string", "null"]},
        "legal_bases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number"],
                "properties": {
                    "number": TEXT,
                    "date": NULLABLE_DATE,
                    "issuer": {"type": "string"},
                    "title": {"type": "string"},
                },
            },
        },
        "general_objective": TEXT,
        "data_elements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "name", "supplier"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string", "pattern": r"^[A-Z][A-Z0-9_]*$"},
                    "name": TEXT,
                    "value_type": {"enum": ["integer", "number", "percent"]},
                    "aggregation": {"enum": ["sum", "last"]},
                    "collection_level": {"enum": ["district", "commune"]},
                    "supplier": AGENCY_REF,
                    "categories": {"type": "array", "items": {"type": "string"}},
                    # Computed from records from the periods starting on `since` (treem.indicators.derived).
                    "derived": {
                        "type": "object",
                        "required": ["rule", "since"],
                        "additionalProperties": False,
                        "properties": {
                            "rule": {"type": "string", "pattern": r"^[a-z_]+\.[a-z_]+$"},
                            "since": DATE,
                            "params": {"type": "object"},
                        },
                    },
                },
            },
        },
        "validation_rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "left", "operator", "right", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": CODE,
                    "left": TEXT,
                    "operator": {"enum": ["lt", "le", "eq", "ge", "gt"]},
                    "right": TEXT,
                    "message": TEXT,
                },
            },
        },
        "targets": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["code", "number", "text", "indicators"],
                "properties": {
                    "code": CODE,
                    "number": {"type": "integer", "minimum": 1},
                    "text": TEXT,
                    "indicators": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": [
                                "code",
                                "text",
                                "direction",
                                "threshold",
                                "unit",
                                "supplier",
                                "numerator",
                                "denominator",
                                "factor",
                            ],
                            "properties": {
                                "code": CODE,
                                "text": TEXT,
                                "direction": {"enum": ["lt", "le", "ge", "gt"]},
                                "threshold": {"type": "number"},
                                "unit": {"enum": ["percent", "per_1000_live_births", "per_100000_children"]},
                                "disaggregation": {
                                    "oneOf": [
                                        {"type": "null"},
                                        {"type": "object", "additionalProperties": {"type": "string"}},
                                    ]
                                },
                                "supplier": AGENCY_REF,
                                "numerator": TEXT,
                                "denominator": TEXT,
                                "factor": {"enum": [1, 100, 1000, 100000]},
                                "annualized": {"type": "boolean"},
                            },
                        },
                    },
                },
            },
        },
        "solutions": NUMBERED_TEXT,
        "funding_sources": NUMBERED_TEXT,
        "tasks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "section", "agency", "text"],
                "properties": {
                    "code": CODE,
                    "section": {"type": "integer", "minimum": 1},
                    "heading": {"type": ["string", "null"]},
                    "letter": {"oneOf": [{"type": "null"}, {"type": "string", "pattern": r"^[a-zđ]$"}]},
                    "agency": AGENCY_REF,
                    "cooperating": {"type": "array", "items": AGENCY_REF},
                    "text": TEXT,
                },
            },
        },
        "milestones": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "date", "kind", "description", "reporters", "recipients"],
                "properties": {
                    "code": CODE,
                    "date": DATE,
                    "kind": {"enum": ["implementation_plan", "report", "consolidated_report"]},
                    "period": PERIOD,
                    "data_window": {"enum": ["calendar", "administrative"]},
                    "description": TEXT,
                    "reporters": {"type": "array", "minItems": 1, "items": AGENCY_REF},
                    "via": {"oneOf": [{"type": "null"}, AGENCY_REF]},
                    "recipients": {"type": "array", "minItems": 1, "items": AGENCY_REF},
                    "source": {"type": ["string", "null"]},
                },
            },
        },
    },
}
