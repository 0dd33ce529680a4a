"""The data dictionary, the JSON Schema and the README's tables are generated from SCHEMAS."""

from __future__ import annotations

import json
from pathlib import Path

from report_parser.cli import main
from report_parser.records import COLUMNS, TABLES
from report_parser.schema_docs import column_table, json_schema, markdown

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed" / "000_72945e47686616df.txt"


def test_committed_docs_match_the_schemas():
    """Regenerate with ``report-parser schema`` when this fails."""
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == markdown()
    assert json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8")) == json_schema()


def test_readme_tables_are_the_generated_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = readme.split(f"\n### {table}\n", 1)[1].split("\n#", 1)[0]
        lines = [line for line in section.splitlines() if line.startswith("|")]
        assert "\n".join(lines) + "\n" == column_table(table), table


def test_schema_command_writes_both(tmp_path):
    assert main(["schema", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "schema.md").read_text(encoding="utf-8") == markdown()
    assert json.loads((tmp_path / "schema.json").read_text(encoding="utf-8")) == json_schema()


def test_json_lines_rows_fit_the_json_schema(tmp_path):
    """A small validator for what the schema says: required keys, types, enums."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    main(["parse", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--format", "jsonl", "--quiet", "--jobs", "1"])
    kinds = {"string": str, "integer": int, "number": (int, float), "null": type(None)}
    for table, spec in json_schema()["$defs"].items():
        rows = [json.loads(line) for line in (tmp_path / "out" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert rows and spec["required"] == list(COLUMNS[table])
        for row in rows:
            assert set(row) == set(spec["properties"])
            for name, value in row.items():
                prop = spec["properties"][name]
                types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
                assert isinstance(value, tuple(kinds[t] for t in types)), (table, name, value)
                assert "enum" not in prop or value in prop["enum"], (table, name, value)
