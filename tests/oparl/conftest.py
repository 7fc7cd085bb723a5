import json
from datetime import date, datetime
from pathlib import Path

import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).parent / "schema"
OPARL = "https://schema.oparl.org/1.1/"


def _registry() -> Registry:
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(schema)
        # The schemas refer to each other as "Location.json" relative to their $id.
        resources += [(schema["$id"], resource), (schema["$id"] + ".json", resource)]
    return Registry().with_resources(resources)


FORMATS = FormatChecker()


@FORMATS.checks("url")
def _is_url(value) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


@FORMATS.checks("date-time")
def _is_datetime(value) -> bool:
    # OParl: date-times with a UTC offset.
    return (
        isinstance(value, str) and "T" in value and datetime.fromisoformat(value).tzinfo is not None
    )


@FORMATS.checks("date")
def _is_date(value) -> bool:
    return isinstance(value, str) and len(value) == 10 and bool(date.fromisoformat(value))


@pytest.fixture(scope="session")
def oparl_validator():
    registry = _registry()

    def validator_for(type_url: str) -> Draft7Validator:
        name = type_url.removeprefix(OPARL)
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        return Draft7Validator(schema, registry=registry, format_checker=FORMATS)

    return validator_for
