"""Post ids are stored only as HMAC-SHA256 keyed hashes under a deployment secret."""

import hashlib
import hmac
import os
import stat

from narcolex.monitor.store import keyed_hash, open_store, post_message


def test_keyed_hash_is_hmac_sha256_rfc4231_case_2():
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
    assert keyed_hash(b"Jefe", b"what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_post_key_hashes_platform_and_id(store):
    key = store.post_key("telegram", "12345")
    expected = hmac.new(
        b"test-secret-for-the-monitoring-suite-0123456789", b"telegram\x1f12345", hashlib.sha256
    ).hexdigest()
    assert key == expected
    assert store.post_key("instagram", "12345") != key  # same id, other platform
    assert "12345" not in key
    assert post_message(None, "7") == b"\x1f7"


def test_key_file_is_created_once_readable_by_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("NARCOLEX_MONITOR_SECRET", raising=False)
    st = open_store(tmp_path / "s")
    first = st.post_key("x", "1")
    mode = stat.S_IMODE(os.stat(tmp_path / "s" / "monitor.key").st_mode)
    assert mode == 0o600
    assert open_store(tmp_path / "s").post_key("x", "1") == first
    assert open_store(tmp_path / "other").post_key("x", "1") != first  # another deployment


def test_store_location_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NARCOLEX_MONITOR_DIR", str(tmp_path / "m"))
    assert open_store().root == tmp_path / "m"
