"""OCF 1.2.0 export and import.

Every exported object is validated against its own object_type's official schema (as the official validator
does: the file-level transactions schema has a known upstream gap), through a `referencing` registry built
from ../shared/ocf-1.2.0/schema (no network), and every reference must point at an object of the package.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date
from fractions import Fraction as F
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from warrantbook.book.io import dumps, loads
from warrantbook.core import events as ev
from warrantbook.core.errors import BookErrors
from warrantbook.core.terms import Tranche
from warrantbook.interop.agreement import GAP, book_events, read_agreement
from warrantbook.interop.ocf.export import CARRIER, ExportProblems, export_ocf
from warrantbook.interop.ocf.imports import import_ocf
from warrantbook.interop.ocf.package import Package, dangling_references, dump_json, read_package

from .conftest import SAMPLES, VARIANTS, Schemas, facts, needs_samples

AS_OF = date(2006, 12, 31)
runner = CliRunner()


def validate(result_package: Package, schemas: Schemas) -> list[str]:
    """Errors of the manifest, each non-transaction file as a whole, and every object against its own schema."""
    errors = schemas.file_errors(result_package.manifest)
    for content in result_package.files.values():
        if content["file_type"] != "OCF_TRANSACTIONS_FILE":
            errors += schemas.file_errors(content)
    for obj in result_package.all_objects():
        errors += schemas.object_errors(obj)
    return errors


def unzip(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: (i.date_time, json.loads(zf.read(i))) for i in zf.infolist()}


# ---------------------------------------------------------------- export of the seed's illustrative life


def test_seed_life_exports_valid_objects_with_no_dangling_reference(seed_events: list[ev.Event], schemas: Schemas) -> None:
    result = export_ocf(seed_events, AS_OF)
    assert validate(result.package, schemas) == []
    assert dangling_references(result.package) == []
    assert result.counts == {"ISSUER": 1, "STAKEHOLDER": 2, "STOCK_CLASS": 1, "STOCK_LEGEND_TEMPLATE": 1, "TX_WARRANT_ISSUANCE": 5,
                             "TX_STOCK_CLASS_SPLIT": 1, "TX_WARRANT_CANCELLATION": 1, "TX_STOCK_CLASS_AUTHORIZED_SHARES_ADJUSTMENT": 1,
                             "TX_WARRANT_EXERCISE": 1, "TX_STOCK_ISSUANCE": 1, "TX_WARRANT_TRANSFER": 1}
    tx = {o["id"]: o for o in result.package.items("OCF_TRANSACTIONS_FILE")}
    # the 2-for-1 split: a stock class split, and the warrant restated at twice the shares and half the price
    assert tx["split-2006:split"]["split_ratio"] == {"numerator": "2", "denominator": "1"}
    assert tx["ATG-1/2:issuance"]["quantity"] == "280500000" and tx["ATG-1/2:issuance"]["exercise_price"]["amount"] == "0.000005"
    # a partial exercise: the whole security exercised, the shares issued, the balance re-issued
    exercise = tx["ATG-1/2:exercise"]
    assert exercise["resulting_security_ids"] == ["notice-1:shares", "ATG-1/3"]
    assert tx["notice-1:shares:issuance"]["quantity"] == "49989919" and tx["notice-1:shares:issuance"]["custom_id"] == "C-1041"
    assert tx["ATG-1/3:issuance"]["quantity"] == "230500000"
    # the transfer in part: the transferee's new security, the transferor's balance
    transfer = tx["ATG-1/3:transfer"]
    assert (transfer["quantity"], transfer["resulting_security_ids"], transfer["balance_security_id"]) == ("46100000", ["ATG-2"], "ATG-3")
    assert tx["ATG-3:issuance"]["quantity"] == "184400000" and tx["ATG-2:issuance"]["stakeholder_id"] == "northbridge"


def test_what_ocf_cannot_carry_is_in_words_and_every_event_is_carried(seed_events: list[ev.Event]) -> None:
    result = export_ocf(seed_events, AS_OF)
    comments = [c for o in [{"comments": result.package.manifest.get("comments")}, *result.package.all_objects()] for c in o.get("comments") or []]
    carried = [c for c in comments if c.startswith(f"{CARRIER} #")]
    user = [e for e in seed_events if not e.derived and e.on <= AS_OF]
    assert len(carried) == len(user)
    assert sorted(int(c.split()[1][1:]) for c in carried) == list(range(len(user)))
    words = "\n".join(comments)
    for phrase in ("Cap (§10)", "75 days' notice", "X = Y(A-B)/A", "Fair market value (§1.2)", "Expiration Date: none",
                   "waiver notice of the cap received on ATG-3"):
        assert phrase in words, phrase


def test_export_is_deterministic_with_fixed_order_and_timestamps(seed_events: list[ev.Event]) -> None:
    a = export_ocf(seed_events, AS_OF).data
    assert export_ocf(seed_events, AS_OF).data == a
    assert export_ocf(list(loads(dumps(seed_events)).events), AS_OF).data == a  # the same events read back from a book
    entries = unzip(a)
    assert list(entries) == ["Manifest.ocf.json", "Stakeholders.ocf.json", "StockClasses.ocf.json", "StockLegendTemplates.ocf.json",
                             "Transactions.ocf.json"]
    assert {stamp for stamp, _data in entries.values()} == {(2006, 12, 31, 0, 0, 0)}
    manifest = entries["Manifest.ocf.json"][1]
    assert (manifest["as_of"], manifest["generated_at"]) == ("2006-12-31", "2006-12-31T00:00:00Z")


def test_export_import_export_is_byte_identical(seed_events: list[ev.Event], tmp_path: Path) -> None:
    first = export_ocf(seed_events, AS_OF)
    path = tmp_path / "seed.ocf.zip"
    path.write_bytes(first.data)
    imported = import_ocf(read_package(path))
    assert imported.restored == len(imported.events) and imported.skipped == [] and imported.warnings == [] and imported.gaps == []
    book = loads(dumps(imported.events))  # through the book file, as `ocf import --out` does
    assert export_ocf(list(book.events), AS_OF).data == first.data


def test_as_of_cuts_the_package(seed_events: list[ev.Event], schemas: Schemas) -> None:
    before_exercise = export_ocf(seed_events, date(2006, 2, 1))
    assert "TX_WARRANT_EXERCISE" not in before_exercise.counts and before_exercise.counts["TX_WARRANT_ISSUANCE"] == 2
    assert validate(before_exercise.package, schemas) == [] and dangling_references(before_exercise.package) == []


def test_missing_facts_are_reported_not_invented() -> None:
    from warrantbook.seed import seed_life

    with pytest.raises(ExportProblems) as err:
        export_ocf(seed_life(), AS_OF)
    problems = "\n".join(err.value.problems)
    assert len(err.value.problems) == 5
    for needed in ("formation_date", "certificate_prefix", "votes_per_share", "seniority", "purchase_price"):
        assert f"name: {needed}" in problems, needed
    assert err.value.exit_code == 2


# ---------------------------------------------------------------- numbers OCF cannot hold, dividends, other changes


def _with_stock_event(events: list[ev.Event], kind: ev.StockEventKind, after: int) -> list[ev.Event]:
    out = []
    for e in events:
        if isinstance(e, ev.StockEvent):
            e = replace(e, event=kind, outstanding_after=F(after))
        out.append(e)
    return out


def test_a_price_needing_more_than_ten_decimals_is_reported_or_rounded_on_request(seed_events: list[ev.Event], schemas: Schemas) -> None:
    seven_for_one = _with_stock_event(seed_events, ev.StockEventKind.SUBDIVISION, 8_400_000_000)
    day = date(2006, 2, 1)  # after the split, before the illustrative exercise
    with pytest.raises(ExportProblems) as err:
        export_ocf(seven_for_one, day)
    assert len(err.value.problems) == 1 and "exercise_price: 1/700000 needs more than the 10 decimal places" in err.value.problems[0]
    rounded = export_ocf(seven_for_one, day, allow_rounding=True)
    assert rounded.rounded == ["warrant ATG-1/2 exercise_price: 1/700000 shown as 0.0000014286 (half-even to 10 decimals)"]
    restated = [o for o in rounded.package.items() if o.get("id") == "ATG-1/2:issuance"][0]
    assert restated["quantity"] == "981750000" and restated["exercise_price"]["amount"] == "0.0000014286"
    assert any("1/700000" in c for c in restated["comments"])  # the exact value stays
    assert validate(rounded.package, schemas) == []


def test_a_stock_dividend_is_not_a_split(seed_events: list[ev.Event], schemas: Schemas) -> None:
    dividend = _with_stock_event(seed_events, ev.StockEventKind.DIVIDEND_ON_COMMON, 1_500_000_000)  # 25%
    result = export_ocf(dividend, date(2006, 2, 1))
    assert "TX_STOCK_CLASS_SPLIT" not in result.counts
    tx = {o["id"]: o for o in result.package.items("OCF_TRANSACTIONS_FILE")}
    assert tx["ATG-1:cancellation"]["reason_text"].startswith("adjusted under §4 for the dividend-on-common")
    assert (tx["ATG-1/2:issuance"]["quantity"], tx["ATG-1/2:issuance"]["exercise_price"]["amount"]) == ("175312500", "0.000008")
    assert any("A stock dividend is not a split" in c for c in result.package.manifest["comments"])
    assert validate(result.package, schemas) == [] and dangling_references(result.package) == []


def test_replacement_is_a_cancellation_and_a_new_issuance(seed_events: list[ev.Event], schemas: Schemas) -> None:
    later = [
        ev.ReplacementRequested(id="lost-2", on=date(2006, 8, 1), actor="holder:northbridge", option_no="ATG-2",
                                cause=ev.ReplacementCause.LOST, evidence="affidavit of loss", indemnity=F(10_000), indemnity_form="indemnity agreement"),
        ev.ReplacementIssued(id="replaced-2", on=date(2006, 8, 4), actor="company:atg", option_no="ATG-2", request="lost-2", new_option="ATG-4"),
    ]
    result = export_ocf(seed_events + later, AS_OF)
    tx = {o["id"]: o for o in result.package.items("OCF_TRANSACTIONS_FILE")}
    assert tx["ATG-2:cancellation"]["reason_text"] == "replaced under §8 (lost) by option ATG-4"
    assert tx["ATG-4:issuance"]["quantity"] == "46100000" and tx["ATG-4:issuance"]["custom_id"] == "ATG-4"
    assert validate(result.package, schemas) == [] and dangling_references(result.package) == []
    again = import_ocf(Package(result.package.manifest, result.package.files))
    assert export_ocf(again.events, AS_OF).data == result.data


def test_two_tranches_export_one_security_each(schemas: Schemas) -> None:
    """The two-tranche variant, read from its text, exercised in cash on its second tranche, then half transferred."""
    draft = book_events(read_agreement((VARIANTS / "warrant-two-tranches.txt").read_text(encoding="utf-8"), "two-tranches"))
    company = draft.events[0].id
    holder = draft.events[1].id
    day = date(2011, 3, 3)
    life = draft.events + facts([(company, "formation_date", "2009-01-15"), (company, "certificate_prefix", "HB-"),
                                 (company, "votes_per_share", "1"), (company, "seniority", "1"), ("W-7", "purchase_price", "50000.00")],
                                on=day, actor=f"company:{company}") + [
        ev.SharesOutstanding(id="out", on=day, actor=f"company:{company}", company=company, shares=F(80_000_000)),
        ev.AuthorizedShares(id="auth", on=day, actor=f"company:{company}", company=company, shares=F(200_000_000)),
        ev.BeneficialOwnership(id="own", on=day, actor=f"holder:{holder}", holder=holder, company=company, shares=F(0)),
        ev.ExerciseNoticeReceived(id="n1", on=date(2012, 5, 1), actor=f"holder:{holder}", option_no="W-7", shares=F(1_000_000), tranche=1),
        ev.OptionSurrendered(id="s1", on=date(2012, 5, 1), actor=f"company:{company}", option_no="W-7", notice="n1"),
        ev.PaymentReceived(id="p1", on=date(2012, 5, 2), actor=f"company:{company}", option_no="W-7", notice="n1", cash=F(125_000)),
        ev.HolderRegistered(id="second", on=date(2013, 1, 2), actor="holder:second", holder=ev.Holder(id="second", name="Second Street Capital LLC")),
        ev.TransferRequested(id="t1", on=date(2013, 1, 2), actor=f"holder:{holder}", option_no="W-7", pieces=(ev.TransferPiece("second", percent=F(1, 2)),),
                             endorsement_signed=True, original_surrendered=True, opinion_received=True, transfer_taxes_paid=True),
        ev.TransferRegistered(id="t1r", on=date(2013, 1, 7), actor=f"company:{company}", option_no="W-7", request="t1", new_options=("W-8", "W-9")),
    ]
    result = export_ocf(life, date(2013, 12, 31))
    assert validate(result.package, schemas) == [] and dangling_references(result.package) == []
    tx = {o["id"]: o for o in result.package.items("OCF_TRANSACTIONS_FILE")}
    assert (tx["W-7.t1:issuance"]["quantity"], tx["W-7.t1:issuance"]["exercise_price"]["amount"]) == ("6000000", "0.05")
    assert (tx["W-7.t2:issuance"]["quantity"], tx["W-7.t2:issuance"]["exercise_price"]["amount"]) == ("3500000", "0.125")
    assert tx["W-7.t2:issuance"]["purchase_price"]["amount"] == "0" and tx["W-7.t1:issuance"]["purchase_price"]["amount"] == "50000"
    assert tx["W-7.t2:exercise"]["resulting_security_ids"] == ["n1:shares", "W-7.t2/2"]
    assert tx["n1:shares:issuance"]["quantity"] == "1000000" and tx["W-7.t2/2:issuance"]["quantity"] == "2500000"
    assert tx["W-7.t1:transfer"]["quantity"] == "3000000" and tx["W-7.t1:transfer"]["balance_security_id"] == "W-9.t1"
    assert tx["W-7.t2/2:transfer"]["quantity"] == "1250000" and tx["W-7.t2/2:transfer"]["resulting_security_ids"] == ["W-8.t2"]
    assert tx["W-8.t1:issuance"]["warrant_expiration_date"] == "2016-03-03"
    assert tx["W-8.t1:issuance"]["exercise_triggers"][0]["type"] == "ELECTIVE_IN_RANGE"
    again = import_ocf(Package(result.package.manifest, result.package.files))
    assert export_ocf(again.events, date(2013, 12, 31)).data == result.data


# ---------------------------------------------------------------- import of another tool's package


def test_import_of_the_official_samples_reports_what_it_could_not_take() -> None:
    if not SAMPLES.exists():
        pytest.skip(f"../shared is absent ({SAMPLES} not found)")
    result = import_ocf(read_package(SAMPLES))
    assert result.restored == 0
    assert result.mapped == {"ISSUER": 1, "STAKEHOLDER": 4, "STOCK_CLASS": 1}
    reasons = {(s.object_type, s.reason) for s in result.skipped}
    assert ("TX_WARRANT_ISSUANCE", "its stakeholder 'stakeholder-id' is not in the package") in reasons
    assert any(t == "TX_WARRANT_EXERCISE" and "no quantity" in r for t, r in reasons)
    assert any(t == "TX_STOCK_CLASS_SPLIT" and "outstanding before and after" in r for t, r in reasons)
    assert any(t == "STOCK_CLASS" and "preferred" in r for t, r in reasons)
    assert len(result.skipped) == 90 and all(s.reason for s in result.skipped)
    warnings = "\n".join(result.warnings)
    assert "MD5" in warnings and "Documents.ocf.json: not listed in the manifest" in warnings
    book = loads(dumps(result.events))  # what was imported makes a valid book
    assert book.state.companies["d3373e0a-4dd9-430f-8a56-3281f2800ede"].company.name == "ACME Industries"
    assert len(book.state.holders) == 4


@needs_samples
def test_sample_objects_validate_with_the_same_registry(schemas: Schemas) -> None:
    """The validator itself is sound: the official samples' warrant objects pass it, object by object."""
    items = json.loads((SAMPLES / "Transactions.ocf.json").read_text(encoding="utf-8"))["items"]
    warrants = [o for o in items if o["object_type"].startswith("TX_WARRANT")]
    assert len(warrants) == 15 and all(schemas.object_errors(o) == [] for o in warrants)
    broken = dict(warrants[0], quantity="1E-11")
    assert schemas.object_errors(broken)


def _foreign_package() -> Package:
    issuer = {"object_type": "ISSUER", "id": "acme", "legal_name": "Acme Widgets, Inc.", "formation_date": "2001-02-03",
              "country_of_formation": "US", "country_subdivision_of_formation": "DE"}
    files = {
        "Stakeholders.ocf.json": {"file_type": "OCF_STAKEHOLDERS_FILE", "items": [
            {"object_type": "STAKEHOLDER", "id": "fund", "name": {"legal_name": "Fund One LP"}, "stakeholder_type": "INSTITUTION",
             "addresses": [{"address_type": "LEGAL", "street_suite": "1 Main St", "city": "Dover", "country_subdivision": "DE",
                            "country": "US", "postal_code": "19901"}]}]},
        "StockClasses.ocf.json": {"file_type": "OCF_STOCK_CLASSES_FILE", "items": [
            {"object_type": "STOCK_CLASS", "id": "common", "name": "Common Stock", "class_type": "COMMON", "default_id_prefix": "CS-",
             "initial_shares_authorized": "50000000", "votes_per_share": "1", "seniority": "1", "par_value": {"amount": "0.0001", "currency": "USD"}}]},
        "Transactions.ocf.json": {"file_type": "OCF_TRANSACTIONS_FILE", "items": [
            {"object_type": "TX_WARRANT_ISSUANCE", "id": "w1-issue", "security_id": "w1", "date": "2020-06-01", "custom_id": "PW-1",
             "stakeholder_id": "fund", "quantity": "250000", "exercise_price": {"amount": "0.01", "currency": "USD"},
             "purchase_price": {"amount": "2500.00", "currency": "USD"}, "security_law_exemptions": [], "exercise_triggers": []},
            {"object_type": "TX_WARRANT_EXERCISE", "id": "w1-exercise", "security_id": "w1", "date": "2021-01-04", "trigger_id": "t",
             "resulting_security_ids": []}]},
    }
    from warrantbook.interop.ocf.package import build_manifest

    return Package(build_manifest(issuer, date(2021, 12, 31), files, []), files)


def test_another_tools_warrant_imports_with_its_terms_marked_as_gaps() -> None:
    result = import_ocf(_foreign_package())
    assert result.mapped == {"ISSUER": 1, "STAKEHOLDER": 1, "STOCK_CLASS": 1, "TX_WARRANT_ISSUANCE": 1}
    assert [(s.object_id, s.object_type) for s in result.skipped] == [("w1-exercise", "TX_WARRANT_EXERCISE")]
    issued = [e for e in result.events if isinstance(e, ev.OptionIssued)][0]
    assert issued.option_no == "PW-1" and issued.terms.tranches == (Tranche(F(250_000), F("0.01")),)
    assert len(result.gaps) == 8 and all("OCF does not carry it" in g for g in result.gaps)
    company = [e for e in result.events if isinstance(e, ev.CompanyRegistered)][0].company
    assert (company.name, company.state, company.par_value) == ("Acme Widgets, Inc.", "Delaware", F("0.0001"))
    text = dumps(result.events)
    assert text.count(f"{GAP}:") == 8
    with pytest.raises(BookErrors):
        loads(text)  # `check` refuses until the terms are filled from the instrument


def test_a_package_of_ours_edited_by_another_tool_keeps_our_record_and_maps_the_rest(seed_events: list[ev.Event]) -> None:
    ours = export_ocf(seed_events, AS_OF).package
    foreign = _foreign_package()
    stakeholders = ours.files["Stakeholders.ocf.json"]["items"] + foreign.files["Stakeholders.ocf.json"]["items"]
    files = dict(ours.files, **{"Stakeholders.ocf.json": {"file_type": "OCF_STAKEHOLDERS_FILE", "items": stakeholders}})
    result = import_ocf(Package(ours.manifest, files))
    assert result.restored == len([e for e in seed_events if not e.derived])
    assert result.mapped == {"STAKEHOLDER": 1}
    added = [e for e in result.events[result.restored:] if isinstance(e, ev.HolderRegistered)]
    assert [e.holder.name for e in added] == ["Fund One LP"]


# ---------------------------------------------------------------- the commands


def test_cli_export_import_round_trip_and_record_into_a_book(seed_events: list[ev.Event], tmp_path: Path) -> None:
    from warrantbook.cli.main import app

    book = tmp_path / "seed.yaml"
    book.write_text(dumps(seed_events), encoding="utf-8")
    first, second = tmp_path / "a.ocf.zip", tmp_path / "b.ocf.zip"
    out = runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", "2006-12-31", "--out", str(first), "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["objects"] == 16 and summary["rounded"] == []
    back = tmp_path / "back.yaml"
    imp = runner.invoke(app, ["ocf", "import", str(first), "--out", str(back), "--json"])
    assert imp.exit_code == 0, imp.output
    assert json.loads(imp.output)["skipped"] == []
    again = runner.invoke(app, ["ocf", "export", "--book", str(back), "--as-of", "2006-12-31", "--out", str(second)])
    assert again.exit_code == 0, again.output
    assert first.read_bytes() == second.read_bytes()
    # recording into a source: a fresh book receives every event, decided one by one (a short life: a book is
    # rewritten on every record)
    early, copy = tmp_path / "early.ocf.zip", tmp_path / "copy.ocf.zip"
    assert runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", "2006-01-31", "--out", str(early)]).exit_code == 0
    target = tmp_path / "target.yaml"
    target.write_text("warrantbook: 1\nevents: []\n", encoding="utf-8")
    rec = runner.invoke(app, ["ocf", "import", str(early), "--book", str(target), "--json"])
    assert rec.exit_code == 0, rec.output
    assert json.loads(rec.output)["recorded"] == len([e for e in seed_events if not e.derived and e.on <= date(2006, 1, 31)])
    assert runner.invoke(app, ["ocf", "export", "--book", str(target), "--as-of", "2006-01-31", "--out", str(copy)]).exit_code == 0
    assert early.read_bytes() == copy.read_bytes()


def test_cli_export_reports_missing_facts_with_exit_2(tmp_path: Path) -> None:
    from warrantbook.cli.main import app
    from warrantbook.seed import seed_life

    book = tmp_path / "seed.yaml"
    book.write_text(dumps(seed_life()), encoding="utf-8")
    out = runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", "2006-12-31", "--out", str(tmp_path / "x.zip"), "--json"])
    assert out.exit_code == 2
    assert len(json.loads(out.output)["problems"]) == 5
    assert not (tmp_path / "x.zip").exists()
    refused = runner.invoke(app, ["ocf", "import", str(tmp_path / "missing.zip")])
    assert refused.exit_code == 2


def test_cli_import_of_a_foreign_package_needs_out_when_terms_are_missing(tmp_path: Path) -> None:
    from warrantbook.cli.main import app

    pkg = _foreign_package()
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "Manifest.ocf.json").write_bytes(dump_json(pkg.manifest))
    for name, content in pkg.files.items():
        (folder / name).write_bytes(dump_json(content))
    target = tmp_path / "t.yaml"
    target.write_text("warrantbook: 1\nevents: []\n", encoding="utf-8")
    refused = runner.invoke(app, ["ocf", "import", str(folder), "--book", str(target)])
    assert refused.exit_code == 2 and "--out" in refused.output
    written = runner.invoke(app, ["ocf", "import", str(folder / "Manifest.ocf.json"), "--out", str(tmp_path / "acme.yaml")])
    assert written.exit_code == 0 and "1 object(s) not imported" in written.output
    assert runner.invoke(app, ["check", "--book", str(tmp_path / "acme.yaml")]).exit_code == 2


def test_a_merger_restates_the_warrants_as_custom_conversions(seed_events: list[ev.Event], schemas: Schemas) -> None:
    merger = [
        ev.CompanyRegistered(id="acq", on=date(2006, 8, 1), actor="company:acq", company=ev.Company(id="acq", name="Acquirer Corp.", state="Delaware")),
        ev.Reorganized(id="merger", on=date(2006, 8, 1), actor="company:atg", company="atg", transaction=ev.ReorganizationKind.MERGER,
                       successor="Acquirer Corp.", basket=(ev.BasketItem(ev.ItemKind.SECURITY, F(1, 2), issuer="acq", description="Acquirer common"),
                                                           ev.BasketItem(ev.ItemKind.CASH, F("0.001")))),
    ]
    result = export_ocf(seed_events + merger, AS_OF)
    assert validate(result.package, schemas) == [] and dangling_references(result.package) == []
    tx = {o["id"]: o for o in result.package.items("OCF_TRANSACTIONS_FILE")}
    assert tx["ATG-3:cancellation"]["reason_text"].startswith("merger of 2006-08-01 (§3)")
    mechanism = tx["ATG-3/2:issuance"]["exercise_triggers"][0]["conversion_right"]["conversion_mechanism"]
    assert mechanism["type"] == "CUSTOM_CONVERSION" and "Acquirer common" in mechanism["custom_conversion_description"]
    assert any("Acquirer Corp." in c for c in result.package.manifest["comments"])  # the successor's registration, not this issuer's
    again = import_ocf(Package(result.package.manifest, result.package.files))
    assert export_ocf(again.events, AS_OF).data == result.data


def test_export_from_a_database_equals_export_from_the_book(seed_events: list[ev.Event], tmp_path: Path) -> None:
    """Any source: the same events in a SQLite ledger give the same package, and a package imports into one."""
    pytest.importorskip("warrantbook.store.ledger", reason="the database source is not installed")
    from warrantbook.cli.main import app

    day = date(2006, 3, 31)
    short = [e for e in seed_events if e.on <= day]
    book = tmp_path / "seed.yaml"
    book.write_text(dumps(short), encoding="utf-8")
    from_book, from_db, round_db = tmp_path / "book.ocf.zip", tmp_path / "db.ocf.zip", tmp_path / "round.ocf.zip"
    assert runner.invoke(app, ["ocf", "export", "--book", str(book), "--as-of", day.isoformat(), "--out", str(from_book)]).exit_code == 0
    db, db2 = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    for url in (db, db2):
        made = runner.invoke(app, ["init", "--db", url])
        assert made.exit_code == 0, made.output
    loaded = runner.invoke(app, ["book", "import", str(book), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    assert runner.invoke(app, ["ocf", "export", "--db", db, "--as-of", day.isoformat(), "--out", str(from_db)]).exit_code == 0
    assert from_db.read_bytes() == from_book.read_bytes()
    recorded = runner.invoke(app, ["ocf", "import", str(from_book), "--db", db2, "--json"])
    assert recorded.exit_code == 0, recorded.output
    assert runner.invoke(app, ["ocf", "export", "--db", db2, "--as-of", day.isoformat(), "--out", str(round_db)]).exit_code == 0
    assert round_db.read_bytes() == from_book.read_bytes()
