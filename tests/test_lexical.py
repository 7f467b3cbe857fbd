"""The posting-list BM25 gives rank-bm25's scores on the real content."""

from __future__ import annotations

import numpy as np
from rank_bm25 import BM25Okapi

from bot.core import AnswerCore
from index.lexical import Bm25Postings
from index.search_index import lexical_document, tokens


def test_same_scores_as_rank_bm25(core: AnswerCore) -> None:
    content = core.catalog.regions["malopolska"].content
    documents = [lexical_document(entry) for entry in content.entries.values()]
    ours, reference = Bm25Postings(documents), BM25Okapi(documents)
    queries = ["де зробити песель?", "PESEL PESEL number for a child", "karta pobytu 440 zł",
               "how", "", "zzzz unknownword", "Kraków Kraków urząd wojewódzki wniosek o zezwolenie na pracę"]
    for query in queries:
        words = tokens(query)
        got, expected = ours.get_scores(words), reference.get_scores(words)
        assert got.shape == (len(documents),)
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-12), query
    assert ours.get_scores(tokens("PESEL")).max() > 0  # a real word of the content scores
