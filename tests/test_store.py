"""The signals store: pseudonyms only, scrubbed text, and a user can be deleted entirely."""

from pathlib import Path

from signals.pseudonym import Pseudonymizer, load_or_create_key
from signals.store import SignalStore


def test_pseudonyms_are_stable_keyed_and_not_the_id(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    assert load_or_create_key(tmp_path) == key
    assert (tmp_path / "hmac.key").stat().st_mode & 0o077 == 0
    one, other = Pseudonymizer(key), Pseudonymizer(b"another key")
    assert one("telegram", 123456789) == one("telegram", 123456789)
    assert one("telegram", 123456789) != other("telegram", 123456789)
    assert "123456789" not in one("telegram", 123456789)


def test_records_scrubbed_and_deletes_a_user(tmp_path: Path) -> None:
    store = SignalStore(tmp_path / "s.sqlite3")
    alice, bob = Pseudonymizer(b"k")("telegram", 1), Pseudonymizer(b"k")("telegram", 2)
    qid = store.record_question(region="malopolska", channel="telegram", lang="uk", outcome="unanswered",
                                text="мій телефон +48 600 123 456, пишіть a@b.pl", user=alice)
    store.record_feedback(question_id=qid, vote=-1, comment="pesel 90010112345", user=alice)
    store.save_user(alice, lang="uk", region="malopolska")
    store.record_question(region="malopolska", channel="telegram", lang="ru", outcome="answered",
                          text="где песель", user=bob)
    row = next(store.questions("id = ?", [qid]))
    assert "600 123 456" not in row["text"] and "a@b.pl" not in row["text"]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("s.sqlite3*"))
    assert b"600 123 456" not in raw and b"90010112345" not in raw
    assert store.get_user(alice)["lang"] == "uk"
    assert store.delete_user(alice) == 3
    assert store.count("questions", "user = ?", [alice]) == 0
    assert store.count("feedback", "user = ?", [alice]) == 0
    assert store.get_user(alice) is None
    assert store.count("questions", "user = ?", [bob]) == 1
