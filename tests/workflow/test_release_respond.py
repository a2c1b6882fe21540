"""The response content (help resources, legal grounds, search interventions) is part of a
release (issue 17): stored with it, covered by the manifest's respond_sha256, read from the
release for exports and /v1/help, so editing the content files never changes an old release;
a database made before keeps working."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import update

from narcolex.errors import ContentError
from narcolex.formats.export import bundle_files, export
from narcolex.package import respond_content as rc
from narcolex.package.bundle import read_bundle
from narcolex.store.engine import open_db
from narcolex.store.models import Release
from narcolex.workflow import releases, users
from narcolex.workflow.bundles import import_bundle
from narcolex.workflow.setup import initialise
from tests.conftest import write_content

pytestmark = pytest.mark.db
DE_LINE = "Sucht & Drogen Hotline"
EDITED = "Sucht & Drogen Hotline (edited after release 1)"


@pytest.fixture
def content_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the response content that the test may edit, used as the installed files."""
    root = tmp_path / "respond"
    shutil.copytree(rc.content_root(), root)
    monkeypatch.setattr(rc, "content_root", lambda: root)
    return root


def _edit_help(root: Path) -> None:
    path = root / "help.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    line = next(r for r in doc["resources"] if r["name"] == DE_LINE)
    line["name"] = EDITED
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def _names(files: dict[str, bytes]) -> set[str]:
    return {r["name"] for r in json.loads(files["respond-help.json"])["resources"]}


@pytest.fixture
def db(db_url: str, tmp_path: Path, content_dir: Path):  # type: ignore[no-untyped-def]
    database = open_db(db_url)
    initialise(database, content_root=write_content(tmp_path / "c"))
    with database.transaction() as s:
        users.add_user(s, "ada", "admin")
    yield database
    database.dispose()


def test_editing_the_files_changes_no_release_and_a_new_release_picks_it_up(
    db, db_url: str, content_dir: Path
):
    with db.reader() as s:
        first = releases.get(s, 1)
        before = bundle_files(first)
        assert first.manifest["respond_sha256"] == releases.respond_hash(first.snapshot["respond"])
    assert DE_LINE in _names(before)

    _edit_help(content_dir)
    with db.reader() as s:
        first = releases.get(s, 1)
        releases.verify_release(first)
        after = bundle_files(first)
        old = releases.respond_content_of(first)
    for name in rc.FILES.values():
        assert after[name] == before[name], name  # the old release's export is unchanged
    assert DE_LINE in {r.name for r in old.help.resources}

    with db.transaction() as s:  # the terms are unchanged; the response content is not
        second = releases.create_release(s, "help resources updated", "ada")
        assert second.version == 2 and second.content_sha256 == first.content_sha256
        assert second.manifest["respond_sha256"] != first.manifest["respond_sha256"]
        assert "response content" in second.changelog
        assert EDITED in _names(bundle_files(second))
    with db.transaction() as s, pytest.raises(releases.NothingToRelease):
        releases.create_release(s, None, "ada")  # nothing changed since release 2

    from fastapi.testclient import TestClient

    from narcolex.api.app import create_app
    from narcolex.api.settings import ApiSettings

    with TestClient(create_app(ApiSettings(database_url=db_url))) as client:
        names = {}
        for v in (1, 2):
            answer = client.get("/v1/help", params={"country": "DE", "release": v}).json()
            names[v] = {r["name"] for r in answer["resources"]}
        latest = {r["name"] for r in client.get("/v1/help?country=DE").json()["resources"]}
        assert client.get("/v1/help?country=DE&release=9").status_code == 404
        mapped = client.get("/v1/respond/interventions?release=1").json()
    assert DE_LINE in names[1] and EDITED not in names[1]
    assert EDITED in names[2] and latest == names[2]
    assert DE_LINE in {r["name"] for r in mapped["countries"]["DE"]}


def test_bundle_carries_the_release_content_checked_and_imported(db, content_dir, tmp_path):
    with db.reader() as s:
        path = export(releases.get(s, 1), "bundle", tmp_path / "b")
    bundle = read_bundle(path)
    assert bundle.verify() and bundle.verify_respond() == bundle.manifest["respond_sha256"]

    _edit_help(content_dir)  # the importing hub's files differ: the bundle's content wins
    target = open_db(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    try:
        import_bundle(target, path)
        with target.reader() as s:
            imported = releases.get(s)
            assert imported.snapshot["respond"] == bundle.respond
            assert imported.manifest["respond_sha256"] == bundle.manifest["respond_sha256"]
    finally:
        target.dispose()

    doc = json.loads((path / "respond-help.json").read_text(encoding="utf-8"))
    doc["resources"][0]["phone"] = "000 000"
    (path / "respond-help.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ContentError, match="respond_sha256"):
        read_bundle(path).verify()
    (path / "respond-help.json").unlink()
    with pytest.raises(ContentError, match="missing"):
        read_bundle(path).verify()


def test_release_edited_in_the_database_is_refused(db):
    with db.transaction() as s:
        rel = releases.get(s, 1)
        snap = json.loads(json.dumps(rel.snapshot))
        snap["respond"]["help"]["resources"][0]["phone"] = "000 000"
        s.execute(update(Release).where(Release.version == 1).values(snapshot=snap))
    with db.reader() as s, pytest.raises(ContentError, match="response content"):
        releases.verify_release(releases.get(s, 1))


def test_a_release_made_before_keeps_working(db, content_dir: Path, tmp_path: Path):
    """A database whose release predates the stored response content: it verifies, exports
    the installed content as it did, its old-style bundle imports, and the next release
    stores the content (even with the same terms)."""
    with db.transaction() as s:
        rel = releases.get(s, 1)
        snap = {k: v for k, v in rel.snapshot.items() if k != "respond"}
        manifest = {k: v for k, v in rel.manifest.items() if not k.startswith("respond_")}
        s.execute(
            update(Release).where(Release.version == 1).values(snapshot=snap, manifest=manifest)
        )
    with db.reader() as s:
        old = releases.get(s, 1)
        assert releases.verify_release(old) == old.content_sha256
        assert _names(bundle_files(old)) == {r.name for r in rc.load().help.resources}
        assert releases.respond_content_of(old) is rc.bundled()
        path = export(old, "bundle", tmp_path / "old")
    bundle = read_bundle(path)
    assert bundle.respond is None and bundle.verify() == old.content_sha256
    target = open_db(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    try:
        assert import_bundle(target, path)["matches_manifest"]
    finally:
        target.dispose()
    with db.transaction() as s:
        again = releases.create_release(s, None, "ada")
        assert again.version == 2 and "respond" in again.snapshot
