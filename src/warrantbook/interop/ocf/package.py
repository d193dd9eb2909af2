"""An OCF 1.2.0 package in memory, written as a deterministic zip and read back from a zip or a folder.

A package is a manifest (with the issuer inside it) and object files, each `{"file_type": ..., "items": [...]}`,
listed in the manifest with their MD5. Writing is deterministic: files in a fixed order, JSON with a fixed
layout, every zip entry stamped with the as-of date at midnight, so the same package is the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from warrantbook.core.errors import BadInput

OCF_VERSION = "1.2.0"
MANIFEST = "Manifest.ocf.json"
# file name, the manifest's list for it, its file_type: in the order they are written
FILES: tuple[tuple[str, str, str], ...] = (
    ("Stakeholders.ocf.json", "stakeholders_files", "OCF_STAKEHOLDERS_FILE"),
    ("StockClasses.ocf.json", "stock_classes_files", "OCF_STOCK_CLASSES_FILE"),
    ("StockLegendTemplates.ocf.json", "stock_legend_templates_files", "OCF_STOCK_LEGEND_TEMPLATES_FILE"),
    ("StockPlans.ocf.json", "stock_plans_files", "OCF_STOCK_PLANS_FILE"),
    ("VestingTerms.ocf.json", "vesting_terms_files", "OCF_VESTING_TERMS_FILE"),
    ("Valuations.ocf.json", "valuations_files", "OCF_VALUATIONS_FILE"),
    ("Transactions.ocf.json", "transactions_files", "OCF_TRANSACTIONS_FILE"),
    ("Financings.ocf.json", "financings_files", "OCF_FINANCINGS_FILE"),
    ("Documents.ocf.json", "documents_files", "OCF_DOCUMENTS_FILE"),
)
REQUIRED_LISTS = ("stock_plans_files", "stock_legend_templates_files", "stock_classes_files", "vesting_terms_files",
                  "valuations_files", "transactions_files", "stakeholders_files")


def dump_json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass
class Package:
    manifest: dict[str, Any]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # file name -> {"file_type", "items"}
    warnings: list[str] = field(default_factory=list)  # from reading: checksums, files missing or not listed

    def items(self, file_type: str | None = None) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for content in self.files.values():
            if file_type is None or content.get("file_type") == file_type:
                out += [i for i in content.get("items", []) if isinstance(i, dict)]
        return out

    @property
    def issuer(self) -> dict[str, Any]:
        issuer = self.manifest.get("issuer")
        return issuer if isinstance(issuer, dict) else {}

    def all_objects(self) -> list[dict[str, Any]]:
        return [self.issuer, *self.items()]


def to_zip(package: Package, as_of: date) -> bytes:
    """The package as zip bytes: the manifest, then each file in FILES order, every entry stamped as_of 00:00."""
    stamp = (max(as_of.year, 1980), as_of.month, as_of.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in [(MANIFEST, dump_json(package.manifest))] + [(n, dump_json(package.files[n])) for n, _l, _t in FILES if n in package.files]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def build_manifest(issuer: dict[str, Any], as_of: date, files: dict[str, dict[str, Any]], comments: list[str]) -> dict[str, Any]:
    manifest: dict[str, Any] = {"ocf_version": OCF_VERSION, "file_type": "OCF_MANIFEST_FILE", "issuer": issuer,
                                "as_of": as_of.isoformat(), "generated_at": f"{as_of.isoformat()}T00:00:00Z"}
    for name, listing, _type in FILES:
        if name in files:
            manifest[listing] = [{"filepath": name, "md5": hashlib.md5(dump_json(files[name])).hexdigest()}]
        elif listing in REQUIRED_LISTS:
            manifest[listing] = []
    if comments:
        manifest["comments"] = comments
    return manifest


# ---------------------------------------------------------------- reading


def _load(name: str, raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"{name}: not JSON ({exc})", field="file") from None


def read_package(path: str | Path) -> Package:
    """A package from a .zip, from a folder holding a manifest, or from the manifest file itself."""
    p = Path(path)
    blobs: dict[str, bytes] = {}
    if p.is_file() and zipfile.is_zipfile(p):
        with zipfile.ZipFile(p) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    blobs[info.filename] = zf.read(info)
    elif p.is_dir():
        blobs = {f.name: f.read_bytes() for f in sorted(p.iterdir()) if f.is_file() and f.name.endswith(".json")}
    elif p.is_file():
        blobs = {f.name: f.read_bytes() for f in sorted(p.parent.iterdir()) if f.is_file() and f.name.endswith(".json")}
        blobs = {p.name: blobs.pop(p.name), **blobs}
    else:
        raise BadInput(f"file: no OCF package at {p}", field="file")
    manifest_name = None
    for name, raw in blobs.items():
        if name.endswith(".json") and b"OCF_MANIFEST_FILE" in raw:
            data = _load(name, raw)
            if isinstance(data, dict) and data.get("file_type") == "OCF_MANIFEST_FILE":
                manifest_name = name
                break
    if manifest_name is None:
        raise BadInput(f"file: {p} holds no OCF manifest (a JSON file with file_type OCF_MANIFEST_FILE)", field="file")
    manifest = _load(manifest_name, blobs[manifest_name])
    package = Package(manifest)
    if manifest.get("ocf_version") != OCF_VERSION:
        package.warnings.append(f"{manifest_name}: ocf_version {manifest.get('ocf_version')!r}; warrantbook reads {OCF_VERSION}")
    listed: set[str] = {manifest_name}
    for _name, listing, file_type in FILES:
        for entry in manifest.get(listing) or []:
            ref = str(entry.get("filepath", "")) if isinstance(entry, dict) else ""
            name = ref[2:] if ref.startswith("./") else ref.lstrip("/")
            listed.add(name)
            if name not in blobs:
                package.warnings.append(f"{listing}: {ref} is listed but not in the package")
                continue
            if isinstance(entry, dict) and hashlib.md5(blobs[name]).hexdigest() != str(entry.get("md5", "")).lower():
                package.warnings.append(f"{name}: MD5 {hashlib.md5(blobs[name]).hexdigest()} differs from the manifest's {entry.get('md5')}")
            content = _load(name, blobs[name])
            if not isinstance(content, dict) or content.get("file_type") != file_type:
                package.warnings.append(f"{name}: file_type is {content.get('file_type') if isinstance(content, dict) else None!r}, "
                                        f"expected {file_type}; read anyway")
            package.files[name] = content if isinstance(content, dict) else {"items": []}
    for name in blobs:
        if name not in listed:
            package.warnings.append(f"{name}: not listed in the manifest; not read")
    return package


# ---------------------------------------------------------------- references


def dangling_references(package: Package) -> list[str]:
    """Every reference that points at no object of the package (security, stakeholder, stock class, legend, issuer)."""
    objects = package.all_objects()
    securities: dict[str, str] = {}
    problems: list[str] = []
    for o in objects:
        if str(o.get("object_type", "")).endswith("_ISSUANCE") and "security_id" in o:
            sid = str(o["security_id"])
            if sid in securities:
                problems.append(f"{o.get('id')}: security_id {sid!r} is issued twice (also by {securities[sid]})")
            securities[sid] = str(o.get("id"))
    ids: dict[str, set[str]] = {"STAKEHOLDER": set(), "STOCK_CLASS": set(), "STOCK_LEGEND_TEMPLATE": set(), "STOCK_PLAN": set(),
                                "VESTING_TERMS": set(), "ISSUER": set()}
    seen_ids: set[str] = set()
    for o in objects:
        kind = str(o.get("object_type", ""))
        if kind in ids:
            ids[kind].add(str(o.get("id")))
        oid = str(o.get("id"))
        if oid in seen_ids:
            problems.append(f"{oid}: object id used twice")
        seen_ids.add(oid)

    def check(o: dict[str, Any], key: str, value: Any, pool: set[str] | dict[str, str], what: str) -> None:
        if value is not None and str(value) not in pool:
            problems.append(f"{o.get('id')}: {key} {value!r} is no {what} in the package")

    for o in objects:
        kind = str(o.get("object_type", ""))
        if "security_id" in o and not kind.endswith("_ISSUANCE"):
            check(o, "security_id", o["security_id"], securities, "issued security")
        for key in ("resulting_security_ids",):
            for sid in o.get(key) or []:
                check(o, key, sid, securities, "issued security")
        check(o, "balance_security_id", o.get("balance_security_id"), securities, "issued security")
        check(o, "stakeholder_id", o.get("stakeholder_id"), ids["STAKEHOLDER"], "stakeholder")
        check(o, "stock_class_id", o.get("stock_class_id"), ids["STOCK_CLASS"], "stock class")
        check(o, "stock_plan_id", o.get("stock_plan_id"), ids["STOCK_PLAN"], "stock plan")
        check(o, "vesting_terms_id", o.get("vesting_terms_id"), ids["VESTING_TERMS"], "vesting terms")
        check(o, "issuer_id", o.get("issuer_id"), ids["ISSUER"], "issuer")
        for legend in o.get("stock_legend_ids") or []:
            check(o, "stock_legend_ids", legend, ids["STOCK_LEGEND_TEMPLATE"], "stock legend")
        rights = [t.get("conversion_right") for t in o.get("exercise_triggers") or o.get("conversion_triggers") or [] if isinstance(t, dict)]
        rights += list(o.get("conversion_rights") or [])
        for right in rights:
            if isinstance(right, dict):
                check(o, "converts_to_stock_class_id", right.get("converts_to_stock_class_id"), ids["STOCK_CLASS"], "stock class")
    return problems
