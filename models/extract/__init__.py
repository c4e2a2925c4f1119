"""Rule-based extractors over article text: numbers, money, counted quantities.

Every extractor returns records with ``start``/``end`` character offsets into
the text it was given (end exclusive), so ``text[m.start:m.end] == m.text``.
"""
