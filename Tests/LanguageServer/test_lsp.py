"""`upstream lsp` driven by a real LSP client: pytest-lsp (PyPI), as VS Code would.

Run by LanguageServerClientTests (swift test) as
    UPSTREAM_BINARY=.build/debug/upstream python3 -m pytest -q Tests/LanguageServer/test_lsp.py
Each test works on a fresh copy of the shipped rules (rules/*.rules and rules/cases).
"""

import os
import pathlib
import re
import shutil
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UPSTREAM_BINARY", str(ROOT / ".build" / "debug" / "upstream"))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=pytest_lsp.client_capabilities("visual-studio-code"))
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def rules(tmp_path):
    """A copy of the shipped rules to edit."""
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    return folder


def uri(path):
    return path.as_uri()


async def open_file(client, path, text=None):
    """Opens a file (with `text` in place of what is saved) and waits for its diagnostics."""
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(path), language_id="upstream-rules", version=1, text=text)
        )
    )
    return text


async def diagnostics_of(client, path, predicate, attempts=20):
    """The diagnostics published for `path` once `predicate` holds of them."""
    for _ in range(attempts):
        found = client.diagnostics.get(uri(path))
        if found is not None and predicate(found):
            return found
        await client.wait_for_notification("textDocument/publishDiagnostics")
    return client.diagnostics.get(uri(path))


def position_of(text, needle, occurrence=0, delta=0):
    """The LSP position of the `occurrence`-th `needle` in `text` (plus `delta` characters)."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return types.Position(line=line, character=column + delta)


def uses(text, word):
    """How often `word` is written as a whole word outside comments."""
    code = "\n".join(line.split("#")[0] for line in text.split("\n"))
    return len(re.findall(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", code))


def doc(path, position):
    return dict(text_document=types.TextDocumentIdentifier(uri=uri(path)), position=position)


# MARK: - Diagnostics


async def test_a_misspelt_id_is_reported_as_you_type_and_cleared_when_fixed(client, rules):
    path = rules / "foot-to-hip.rules"
    text = path.read_text().replace("when arch_shape is flat and hip_pain", "when arch_shap is flat and hip_pain", 1)
    await open_file(client, path, text)
    found = await diagnostics_of(client, path, lambda ds: any(d.code == "UP0101" for d in ds))
    mistake = [d for d in found if d.code == "UP0101"]
    assert len(mistake) == 1, found
    assert "arch_shap" in mistake[0].message and "did you mean 'arch_shape'" in mistake[0].message
    assert mistake[0].range.start == position_of(text, "arch_shap is flat")
    assert mistake[0].severity == types.DiagnosticSeverity.Error

    # Type the missing 'e' (an incremental change): the error goes.
    end = position_of(text, "arch_shap is flat", delta=len("arch_shap"))
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text="e")],
        )
    )
    found = await diagnostics_of(client, path, lambda ds: not any(d.code == "UP0101" for d in ds))
    assert not [d for d in found if d.severity == types.DiagnosticSeverity.Error], found


async def test_an_edit_in_one_file_reports_the_uses_it_breaks_in_others(client, rules):
    path = rules / "complaints.rules"
    text = path.read_text().replace("complaint hip_pain", "complaint hip_ache", 1)
    await open_file(client, path, text)
    other = rules / "foot-to-hip.rules"
    found = await diagnostics_of(client, other, lambda ds: any("hip_pain" in d.message for d in ds))
    assert any(d.code == "UP0101" and "'hip_pain'" in d.message for d in found), found


# MARK: - Hover, definition, references


async def test_hover_shows_a_questions_wording_options_and_the_rules_that_read_it(client, rules):
    path = rules / "foot-to-hip.rules"
    text = await open_file(client, path)
    hover = await client.text_document_hover_async(types.HoverParams(**doc(path, position_of(text, "when arch_shape", delta=6))))
    value = hover.contents.value
    assert "question `arch_shape`" in value
    assert "How do the arches of your feet look?" in value
    assert "`flat`" in value and "`high_arched`" in value
    assert "flat-arches-make-hips-stabilise" in value


async def test_hover_shows_a_recommendations_dose(client, rules):
    path = rules / "recommendations.rules"
    text = await open_file(client, path)
    hover = await client.text_document_hover_async(types.HoverParams(**doc(path, position_of(text, "recommendation foot_rolling", delta=16))))
    assert "1 to 2 minutes on each foot" in hover.contents.value


async def test_definition_goes_to_the_declaration_in_another_file(client, rules):
    path = rules / "foot-to-hip.rules"
    text = await open_file(client, path)
    found = await client.text_document_definition_async(
        types.DefinitionParams(**doc(path, position_of(text, "arch_shape is flat and hip_pain", delta=len("arch_shape is flat and ") + 2)))
    )
    assert [location.uri for location in found] == [uri(rules / "complaints.rules")]
    declared = (rules / "complaints.rules").read_text()
    assert found[0].range.start == position_of(declared, "complaint hip_pain", delta=len("complaint "))


async def test_references_are_found_in_rules_and_cases(client, rules):
    path = rules / "foot-to-hip.rules"
    text = await open_file(client, path)
    found = await client.text_document_references_async(
        types.ReferenceParams(
            **doc(path, position_of(text, "question arch_shape", delta=10)),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    files = {location.uri for location in found}
    assert uri(path) in files
    assert any("/cases/" in name for name in files), files
    expected = sum(uses(p.read_text(), "arch_shape") for p in rules.rglob("*.rules"))
    assert len([l for l in found if l.uri.endswith(".rules")]) == expected


# MARK: - Completion, rename, formatting, code actions


async def test_completion_offers_the_questions_options_after_is(client, rules):
    path = rules / "foot-to-hip.rules"
    text = path.read_text() + "\nrule new-rule\n  when arch_shape is \n"
    await open_file(client, path, text)
    position = position_of(text, "when arch_shape is ", occurrence=text.count("when arch_shape is ") - 1, delta=len("when arch_shape is "))
    result = await client.text_document_completion_async(types.CompletionParams(**doc(path, position)))
    labels = [item.label for item in result.items]
    assert labels == ["flat", "high_arched", "normal"], labels


async def test_completion_offers_recommendations_after_recommend(client, rules):
    path = rules / "foot-to-hip.rules"
    text = path.read_text() + "\nrule new-rule\n  when arch_shape is flat\n  then recommend foot_\n"
    await open_file(client, path, text)
    position = position_of(text, "then recommend foot_", delta=len("then recommend foot_"))
    result = await client.text_document_completion_async(types.CompletionParams(**doc(path, position)))
    assert "foot_rolling" in [item.label for item in result.items]
    assert all(item.label.startswith("foot_") for item in result.items)


async def test_rename_changes_every_use_across_files_including_cases(client, rules):
    path = rules / "foot-to-hip.rules"
    text = await open_file(client, path)
    edit = await client.text_document_rename_async(
        types.RenameParams(**doc(path, position_of(text, "question arch_shape", delta=12)), new_name="arch_form")
    )
    changed = edit.changes
    assert uri(path) in changed
    assert any("/cases/" in name for name in changed)
    assert all(e.new_text == "arch_form" for edits in changed.values() for e in edits)
    assert len(changed[uri(path)]) == uses(text, "arch_shape")


async def test_rename_to_an_id_in_use_is_refused_with_a_message(client, rules):
    path = rules / "foot-to-hip.rules"
    text = await open_file(client, path)
    with pytest.raises(Exception) as refused:
        await client.text_document_rename_async(
            types.RenameParams(**doc(path, position_of(text, "question arch_shape", delta=12)), new_name="hip_pain")
        )
    assert "'hip_pain' is already declared" in str(refused.value)


async def test_formatting_lays_the_file_out_as_fmt_does(client, rules):
    path = rules / "foot-to-hip.rules"
    clean = path.read_text()
    messy = clean.replace("  when arch_shape is flat and hip_pain", "  when   arch_shape is flat   and hip_pain", 1)
    await open_file(client, path, messy)
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert len(edits) == 1
    assert edits[0].new_text == clean


async def test_a_did_you_mean_becomes_a_code_action_that_fixes_it(client, rules):
    path = rules / "foot-to-hip.rules"
    text = path.read_text().replace("when arch_shape is flat and hip_pain", "when arch_shap is flat and hip_pain", 1)
    await open_file(client, path, text)
    found = await diagnostics_of(client, path, lambda ds: any(d.code == "UP0101" for d in ds))
    at = position_of(text, "arch_shap is flat", delta=3)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path)),
            range=types.Range(start=at, end=at),
            context=types.CodeActionContext(diagnostics=[d for d in found if d.code == "UP0101"]),
        )
    )
    assert len(actions) == 1
    action = actions[0]
    assert action.kind == types.CodeActionKind.QuickFix
    assert "arch_shape" in action.title
    (change,) = action.edit.changes[uri(path)]
    assert change.new_text == "arch_shape"
    assert change.range.start == position_of(text, "arch_shap is flat")


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
