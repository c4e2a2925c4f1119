"""The record dataclasses and the Parquet schemas agree (STYLE.md §5)."""
import dataclasses

import pytest

from models.schema import PARTITION_COLUMN, RECORD_TYPES, SCHEMAS

CONTRACT = {
    "articles": ["article_id", "source", "title", "publisher", "published_at", "body", "run_id", "ingested_at"],
    "entities": ["article_id", "sent_idx", "start", "end", "text", "label", "canonical", "source"],
    "paper_counts": ["article_id", "sent_idx", "start", "end", "org", "org_text", "venues", "year", "count",
                     "count_text", "qualifier", "evidence"],
    "investments": ["article_id", "sent_idx", "start", "end", "investor", "investor_text", "recipient", "amount_text",
                    "currency", "amount", "amount_krw_low", "amount_krw_high", "qualifier", "evidence"],
    "quarantine": ["source", "error_type", "error", "run_id", "ingested_at"],
}


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_dataclass_fields_equal_schema_names(table):
    fields = [f.name for f in dataclasses.fields(RECORD_TYPES[table])]
    assert sorted(fields) == sorted(SCHEMAS[table].names)


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns_present_with_types(table):
    schema = SCHEMAS[table]
    for col in CONTRACT[table]:
        assert col in schema.names, f"{table}.{col} is in CONTRACT.md"
    assert PARTITION_COLUMN in schema.names


def test_contract_types():
    import pyarrow as pa

    e = SCHEMAS["entities"]
    assert e.field("sent_idx").type == pa.int32() and e.field("start").type == pa.int32()
    p = SCHEMAS["paper_counts"]
    assert p.field("venues").type == pa.list_(pa.string())
    assert p.field("year").type == pa.int16() and p.field("count").type == pa.int32()
    i = SCHEMAS["investments"]
    assert i.field("amount").type == pa.float64() and i.field("amount_krw_low").type == pa.int64()
    assert pa.types.is_timestamp(SCHEMAS["articles"].field("published_at").type)
