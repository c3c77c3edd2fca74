"""The pipeline definition: stages, their fields, and how answers map onto them.

The definition lives in ``dbt_project.yml`` under ``vars.pipeline`` so that dbt reads
it with no extra step; Python reads the same block. ``HITFLOW_PIPELINE`` may name a
YAML file holding another ``pipeline`` block (the benchmarks use this); ``hitflow
build`` then hands it to dbt with ``--vars``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hitflow.errors import HitflowError

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIELD_TYPES = {"url", "email", "phone", "handle", "text", "category", "record"}
PART_TYPES = FIELD_TYPES - {"record"}


@dataclass(frozen=True)
class Field:
    # Name as it appears in answer columns (``email`` for email_1, email_2).
    name: str
    # One of FIELD_TYPES.
    type: str
    # Several values per assignment (email_1, email_2, ...).
    multi: bool = False
    # For records: part name -> part type (club: name -> text, link -> url).
    parts: dict[str, str] = field(default_factory=dict)
    # For url fields: hosts must be on one of these domains.
    domains: tuple[str, ...] = ()
    # For category fields: the allowed labels, if fixed.
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    # Stage name, e.g. ``directories``.
    name: str
    # Answer fields by name.
    fields: dict[str, Field]
    # Inputs that identify a task; empty means all inputs a batch carries.
    key_inputs: tuple[str, ...]
    # Settings merged from the definition's defaults (redundancy, reward, ...).
    settings: dict[str, Any]
    # Next stage name and its input mapping, if any.
    next_stage: str | None = None
    next_inputs: dict[str, str] = field(default_factory=dict)

    def match_column(self, column: str) -> tuple[str, str, int] | None:
        """Map an answer column name to (field, part, position), or None."""
        for fld in self.fields.values():
            matched = _match_field(fld, column)
            if matched is not None:
                return matched
        return None


def _match_field(fld: Field, column: str) -> tuple[str, str, int] | None:
    name = re.escape(fld.name)
    if fld.type == "record":
        parts = "|".join(re.escape(p) for p in fld.parts)
        found = re.fullmatch(rf"{name}_({parts})(?:_(\d+))?", column)
        if found and (found.group(2) or not fld.multi):
            return fld.name, found.group(1), int(found.group(2) or 1)
        return None
    if column == fld.name:
        return fld.name, "", 1
    if fld.multi:
        found = re.fullmatch(rf"{name}_(\d+)", column)
        if found:
            return fld.name, "", int(found.group(1))
    return None


@dataclass(frozen=True)
class Pipeline:
    stages: dict[str, Stage]
    # The raw ``pipeline`` block, handed to dbt when it came from elsewhere.
    raw: dict[str, Any]
    source: Path

    def stage(self, name: str) -> Stage:
        if name not in self.stages:
            known = ", ".join(self.stages)
            raise HitflowError(f"unknown stage {name!r}; the pipeline defines {known}")
        return self.stages[name]

    def infer_stage(self, answer_columns: list[str]) -> Stage:
        """The one stage whose fields cover every answer column."""
        fits = [
            stage
            for stage in self.stages.values()
            if all(stage.match_column(col) for col in answer_columns)
        ]
        if len(fits) == 1:
            return fits[0]
        if not fits:
            shown = ", ".join(answer_columns[:6])
            raise HitflowError(
                f"answer columns {shown} match no stage in the pipeline definition"
            )
        names = ", ".join(stage.name for stage in fits)
        raise HitflowError(f"answer columns fit several stages ({names}); pass --stage")


def load_pipeline(path: Path | None = None) -> Pipeline:
    """Read the pipeline definition (``HITFLOW_PIPELINE`` or dbt_project.yml)."""
    if path is None and os.environ.get("HITFLOW_PIPELINE"):
        path = Path(os.environ["HITFLOW_PIPELINE"])
    if path is None:
        path = PROJECT_DIR / "dbt_project.yml"
        block = (yaml.safe_load(path.read_text()) or {}).get("vars", {}).get("pipeline")
    else:
        if not path.exists():
            raise HitflowError(f"pipeline definition {path} does not exist")
        loaded = yaml.safe_load(path.read_text()) or {}
        block = loaded.get("pipeline", loaded)
    if not isinstance(block, dict) or not block.get("stages"):
        raise HitflowError(f"{path} holds no pipeline definition with stages")
    return Pipeline(stages=_parse_stages(block, path), raw=block, source=path)


def _parse_stages(block: dict[str, Any], path: Path) -> dict[str, Stage]:
    defaults = block.get("defaults", {}) or {}
    stages = {}
    for name, spec in block["stages"].items():
        fields = {
            fname: _parse_field(name, fname, fspec or {}, path)
            for fname, fspec in (spec.get("fields") or {}).items()
        }
        if not fields:
            raise HitflowError(f"{path}: stage {name} declares no fields")
        settings = {**defaults, **{k: v for k, v in spec.items() if _is_setting(k)}}
        nxt = spec.get("next") or {}
        stages[name] = Stage(
            name=name,
            fields=fields,
            key_inputs=tuple(spec.get("key_inputs") or ()),
            settings=settings,
            next_stage=nxt.get("stage"),
            next_inputs=dict(nxt.get("inputs") or {}),
        )
    for stage in stages.values():
        if stage.next_stage and stage.next_stage not in stages:
            raise HitflowError(
                f"{path}: stage {stage.name} feeds unknown stage {stage.next_stage}"
            )
    _check_mapping(stages)
    return stages


def _is_setting(key: str) -> bool:
    return key not in {"fields", "next", "key_inputs", "description"}


def _parse_field(stage: str, name: str, spec: dict[str, Any], path: Path) -> Field:
    kind = spec.get("type", "text")
    if kind not in FIELD_TYPES:
        raise HitflowError(f"{path}: {stage}.{name} has unknown type {kind!r}")
    parts = dict(spec.get("parts") or {})
    if kind == "record" and not parts:
        raise HitflowError(f"{path}: record field {stage}.{name} declares no parts")
    for part, part_type in parts.items():
        if part_type not in PART_TYPES:
            raise HitflowError(
                f"{path}: {stage}.{name}.{part} has unknown type {part_type!r}"
            )
    return Field(
        name=name,
        type=kind,
        multi=bool(spec.get("multi", False)),
        parts=parts,
        domains=tuple(spec.get("domains") or ()),
        categories=tuple(str(c) for c in spec.get("categories") or ()),
    )


def _check_mapping(stages: dict[str, Stage]) -> None:
    """Refuse a definition whose next-stage mapping names unknown things."""
    for stage in stages.values():
        fields = set()
        for name, source in stage.next_inputs.items():
            kind, _, rest = source.partition(".")
            field, _, part = rest.partition(".")
            if kind not in ("input", "answer") or not rest:
                raise HitflowError(
                    f"stage {stage.name}: next input {name} = {source!r} must be "
                    "input.<name> or answer.<field>"
                )
            if kind == "answer":
                if field not in stage.fields:
                    raise HitflowError(
                        f"stage {stage.name}: next input {name} reads unknown "
                        f"field {field}"
                    )
                if part and part not in stage.fields[field].parts:
                    raise HitflowError(
                        f"stage {stage.name}: field {field} has no part {part}"
                    )
                fields.add(field)
        if len(fields) > 1:
            raise HitflowError(
                f"stage {stage.name}: the next stage may read one answer field, "
                f"not {', '.join(sorted(fields))}"
            )
