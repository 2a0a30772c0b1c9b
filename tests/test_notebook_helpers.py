"""The notebooks' helpers: glue writes what myst-nb reads, without importing myst-nb."""
import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell


def _outputs_of(code: str) -> list:
    """Run `code` in an IPython shell and collect what it displays, as notebook outputs."""
    shell = InteractiveShell.instance()
    captured = []

    def publish(data, metadata=None, **_):
        captured.append(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    original = shell.display_pub.publish
    shell.display_pub.publish = publish
    try:
        shell.run_cell(code, store_history=False).raise_error()
    finally:
        shell.display_pub.publish = original
    return captured


def test_glue_writes_what_myst_nb_extracts_under_its_name():
    pytest.importorskip("myst_nb")
    from myst_nb.ext.glue import extract_glue_data_cell
    outputs = _outputs_of("from infogan_lite.book.notebook import glue\n"
                          "glue('accuracy', 0.9631)\nglue('shown', 'text', display=True)")
    hidden, shown = outputs
    assert set(hidden["data"]) == {"application/papermill.record/text/plain"}  # not shown
    assert set(shown["data"]) == {"text/plain"}                     # shown in the notebook
    found = dict(extract_glue_data_cell(nbformat.v4.new_code_cell(outputs=outputs)))
    assert set(found) == {"accuracy", "shown"}
    assert found["accuracy"]["data"]["text/plain"] == "0.9631"
    assert found["shown"]["data"]["text/plain"] == "'text'"


def test_the_helpers_module_does_not_import_myst_nb():
    import ast
    import inspect

    import infogan_lite.book.notebook as nb
    imported = {n.names[0].name if isinstance(n, ast.Import) else n.module
                for n in ast.walk(ast.parse(inspect.getsource(nb)))
                if isinstance(n, (ast.Import, ast.ImportFrom))}
    assert not any("myst" in (m or "") for m in imported)


def test_markdown_table_renders_as_a_table_with_its_alignment_and_escaped_bars():
    pytest.importorskip("markdown_it")
    from markdown_it import MarkdownIt

    from infogan_lite.book.notebook import markdown_table
    table = markdown_table(["run", "MIG", "note"], [["seed1", 0.25, "a|b"], ["seed2", 0.5, ""]],
                           align="lrc")
    html = MarkdownIt("commonmark").enable("table").render(table.data)
    assert html.count("<tr>") == 3 and html.count("<td") == 6        # a header and two rows
    assert '<th style="text-align:left">run</th>' in html
    assert '<td style="text-align:right">0.25</td>' in html
    assert '<td style="text-align:center">a|b</td>' in html           # one cell, not two
    with pytest.raises(ValueError, match="3 columns"):
        markdown_table(["a", "b", "c"], [[1, 2]])
