"""Every string a person reads is marked for translation.

A static scan, so that a string added later without its marking fails here
rather than in front of a French- or Arabic-speaking reader:

* templates: every text between tags and every attribute a person reads
  (``title``, ``aria-label``, ``placeholder``, ``alt``, the ``data-label``
  texts the scripts show, the value of a button) outside
  ``{% translate %}``/``{% blocktranslate %}``, read with Django's own
  template lexer;
* Python: the usual ways a string reaches a person (``messages.x(request,
  "…")``, ``ValidationError("…")``, ``TransitionRefused("…")``, ``label=``,
  ``help_text=``, ``verbose_name=``, ``empty_label=``, choices and
  permissions with a bare label);
* models: every field and every model has a translatable verbose name (the
  change log, the amendments and the forms show them);
* scripts: no words of their own (the page hands them over, translated).

Management commands print for the people who run them, in English: they are
not scanned. Neither are migrations (frozen copies of the models).
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Engine
from django.template.base import Lexer, TokenType
from django.utils.functional import Promise

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
APPS = ("tcp", "requests_app", "assessments", "programmes", "evaluations", "demo")

# Words that are the same in every language: standards, formats and codes.
ALLOWED = {
    "UTC",
    "IATI",
    "XML",
    "PDF",
    "CSV",
    "XLSX",
    "TC",
    "USD",
    "US$",
    "ISO",
    "OECD-DAC",
    "DAC",
    "SVG",
    "XLSX",
    "×",
}

# Attributes whose text a person reads (or hears, through a screen reader).
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "aria-description"}
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# A space: it keeps a tag whole (`<tr{% if x %} class="y"{% endif %}>`).
PLACEHOLDER = " "
# HTML entities are punctuation or symbols (&nbsp;, &rarr;, &middot;).
ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def _untranslated_source(source: str) -> str:
    """The template with every tag, variable and translated text replaced by
    a placeholder, so only the text a translator would never see is left."""
    pieces: list[str] = []
    depth_translate = 0
    depth_comment = 0
    verbatim = False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans"}:
                depth_translate += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                depth_translate -= 1
            elif name == "comment":
                depth_comment += 1
            elif name == "endcomment":
                depth_comment -= 1
            elif name.startswith("verbatim"):
                verbatim = True
            elif name == "endverbatim":
                verbatim = False
            pieces.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and not (
            depth_translate or depth_comment or verbatim
        ):
            pieces.append(token.contents)
        else:
            pieces.append(PLACEHOLDER)
    return "".join(pieces)


def _needs_translation(text: str) -> bool:
    text = ENTITY.sub(" ", text)
    words = [w for w in re.split(r"[\s()/:,;.·|–—]+", text) if w]
    return any(LETTER.search(w) and w not in ALLOWED for w in words)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._raw = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._raw += 1
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            read = name in READ_ATTRIBUTES or (
                name.startswith("data-") and name.endswith(("-label", "-text", "-message"))
            )
            if tag == "input" and name == "value":
                read = values.get("type") in {"submit", "button", "reset"}
            if read and _needs_translation(value):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in {"script", "style"}:
            self._raw -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._raw -= 1

    def handle_data(self, data: str) -> None:
        if not self._raw and _needs_translation(data):
            self.found.append(" ".join(data.split()))


# A literal a tag hands on to be shown: `with label="Open"`, `|default:"None"`.
SHOWN_ARGUMENT = re.compile(
    r"\b(label|caption|title|heading|text|empty|message|default|default_if_none)[=:]"
    r"(\"[^\"]*\"|'[^']*')"
)


CODE_LIKE = re.compile(r"[a-z0-9_./-]+")


def _shown_arguments(source: str) -> list[str]:
    found = []
    for token in Lexer(source).tokenize():
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            for match in SHOWN_ARGUMENT.finditer(token.contents):
                value = match.group(2)[1:-1]
                # A lower-case word or a path is a class, an id or a template.
                if match.group(1).startswith("default") and CODE_LIKE.fullmatch(value):
                    continue
                if _needs_translation(value):
                    found.append(match.group(0))
    return found


def untranslated_in_template(source: str) -> list[str]:
    reader = _Reader()
    reader.feed(_untranslated_source(source))
    reader.close()
    return reader.found + _shown_arguments(source)


def test_the_template_scan_finds_text_outside_translate() -> None:
    found = untranslated_in_template(
        '{% load i18n %}<p>{% translate "Fine" %}</p><h1>Not marked</h1>'
        '<a title="Close {{ x }}" aria-label="{% translate "ok" %}">{{ y }}</a>'
        "{% blocktranslate %}Also fine {{ z }}{% endblocktranslate %} (UTC) · PDF"
        '<input type="submit" value="Save"><script>let a = "b";</script>'
        "{% comment %}A note{% endcomment %}{# another #}"
        '{% include "x.html" with label="Open" caption=_("Fine") %}{{ a|default:"None" }}'
    )
    assert found == [
        "Not marked",
        "<a title='Close  '>",
        "<input value='Save'>",
        'label="Open"',
        'default:"None"',
    ]


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_unmarked_text(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    # It compiles: a translate tag the lexer would misread fails here too.
    Engine.get_default().from_string(source)
    assert untranslated_in_template(source) == []


# --- Python ------------------------------------------------------------------

MESSAGE_LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}
ERRORS = {"ValidationError", "TransitionRefused", "RecommendationRefused", "PermissionDenied"}
TEXT_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "note_label",
    "title",
    "caption",
    "placeholder",
    "empty",
}
TEXT_ATTRIBUTES = {"verbose_name", "verbose_name_plural"}
READ_KEYS = {"placeholder", "title", "aria-label", "label", "caption"}


def _python_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "management" in parts:
                continue
            files.append(path)
    return files


def _bare(node: ast.AST | None) -> bool:
    """A literal text with letters, not wrapped in gettext."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTER.search(node.value)) and node.value not in ALLOWED
    if isinstance(node, ast.JoinedStr):
        return any(_bare(v) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _bare(node.left)
    return False


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_choices_class(node: ast.ClassDef) -> bool:
    return any(_name(base) in {"TextChoices", "IntegerChoices", "Choices"} for base in node.bases)


def untranslated_in_python(source: str) -> list[str]:
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            func = _name(node.func)
            owner = node.func.value if isinstance(node.func, ast.Attribute) else None
            if func in MESSAGE_LEVELS and owner is not None and _name(owner) == "messages":
                text = node.args[-1] if node.args else None
                if len(node.args) >= 2 and _bare(text):
                    found.append(f"{where}: messages.{func}")
            if func in ERRORS and node.args and _bare(node.args[0]):
                found.append(f"{where}: {func}")
            if _unlabelled_form_field(node):
                found.append(f"{where}: forms.{func} without a label")
            if func.startswith("FilteredSelect") and node.args and _bare(node.args[0]):
                found.append(f"{where}: {func}")
            for keyword in node.keywords:
                if keyword.arg in TEXT_KEYWORDS and _bare(keyword.value):
                    found.append(f"{where}: {keyword.arg}=")
                if keyword.arg == "choices":
                    found += _bare_choices(keyword.value, where)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in READ_KEYS and _bare(value):
                    found.append(f"{where}: {{{key.value!r}: …}}")
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if not isinstance(statement, ast.Assign):
                    continue
                targets = [_name(t) for t in statement.targets]
                line = f"line {statement.lineno}"
                if node.name == "Meta" or _name(node) == "Meta":
                    if set(targets) & TEXT_ATTRIBUTES and _bare(statement.value):
                        found.append(f"{line}: Meta.{targets[0]}")
                    if "permissions" in targets:
                        found += _bare_choices(statement.value, line, "permission")
                if _is_choices_class(node):
                    value = statement.value
                    label = value.elts[-1] if isinstance(value, ast.Tuple) else None
                    if label is None or _bare(label):
                        found.append(f"{line}: {node.name}.{targets[0]} has no translated label")
                if "verbose_name" in targets and _bare(statement.value):
                    found.append(f"{line}: {node.name}.verbose_name")
    return found


def _unlabelled_form_field(call: ast.Call) -> bool:
    """A declared form field labels itself from its name, in English."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and _name(func.value) == "forms"
        and func.attr.endswith("Field")
    ):
        return False
    keywords = {k.arg: k.value for k in call.keywords}
    hidden = "widget" in keywords and "Hidden" in ast.unparse(keywords["widget"])
    return "label" not in keywords and not hidden


def _bare_choices(node: ast.AST, where: str, what: str = "choice") -> list[str]:
    found = []
    if isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2 and _bare(item.elts[1]):
                found.append(f"{where}: {what} {ast.literal_eval(item.elts[0])!r}")
    return found


def test_the_python_scan_finds_bare_strings() -> None:
    source = """
from django.utils.translation import gettext as _
class A(models.TextChoices):
    X = "x", _("Fine")
    Y = "y", "Bare"
    Z = "z"
class B(models.Model):
    f = models.CharField(_("fine"), help_text="Bare help")
    class Meta:
        verbose_name_plural = "bare"
        permissions = [("a", _("Fine")), ("b", "Bare")]
def view(request):
    messages.success(request, "Done.")
    messages.error(request, _("Fine."))
    raise ValidationError(f"Bad {x}")
    forms.TextInput(attrs={"placeholder": "Search"})
    q = forms.CharField(required=False)
"""
    assert untranslated_in_python(source) == [
        "line 5: A.Y has no translated label",
        "line 6: A.Z has no translated label",
        "line 10: Meta.verbose_name_plural",
        "line 11: permission 'b'",
        "line 8: help_text=",
        "line 13: messages.success",
        "line 15: ValidationError",
        "line 17: forms.CharField without a label",
        "line 16: {'placeholder': …}",
    ]


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_module_has_no_unmarked_text(path: Path) -> None:
    assert untranslated_in_python(path.read_text(encoding="utf-8")) == []


def _our_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS
        and not model.__name__.startswith("Historical")
        and not model._meta.auto_created
        and not model.__name__.endswith("ObjectPermission")
    ]


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_model_and_fields_have_translatable_names(model) -> None:
    untranslated = []
    for name in ("verbose_name", "verbose_name_plural"):
        if not isinstance(model._meta.original_attrs.get(name), Promise):
            untranslated.append(f"Meta.{name}")
    for field in model._meta.get_fields(include_hidden=False):
        if field.auto_created or (not field.concrete and not field.many_to_many):
            continue
        if not isinstance(field._verbose_name, Promise):
            untranslated.append(field.name)
        if isinstance(field.help_text, str) and field.help_text:
            untranslated.append(f"{field.name} help_text")
    assert untranslated == []


# --- scripts ------------------------------------------------------------------

# Words in a script would stay English: the page hands them over, translated,
# in data attributes (data-filter-label, data-uploading, …).
JS_STRING = re.compile(r"""(["'`])((?:\\.|(?!\1).)*)\1""")
PROSE = re.compile(r"^[A-Z][a-z]+(\W+[a-z]+)*[.!?…]?$|\s[a-z]+\s")


def untranslated_in_script(source: str) -> list[str]:
    found = []
    for line in source.splitlines():
        code = line.split("//", 1)[0]
        for match in JS_STRING.finditer(code):
            text = match.group(2)
            if text != "use strict" and PROSE.search(text) and "[" not in text:
                found.append(text)
    return found


def test_the_script_scan_finds_words() -> None:
    source = """
    "use strict";
    const a = form.querySelector('input[name="mode"]:checked');
    const label = wrapper.dataset.filterLabel || "Filter";
    status.textContent = "Upload failed, try again";
    box.className = "partner-filter"; // "Not this one"
    """
    assert untranslated_in_script(source) == ["Filter", "Upload failed, try again"]


@pytest.mark.parametrize(
    "path", sorted((ROOT / "static" / "js").glob("*.js")), ids=lambda p: p.name
)
def test_script_has_no_words_of_its_own(path: Path) -> None:
    assert untranslated_in_script(path.read_text(encoding="utf-8")) == []
