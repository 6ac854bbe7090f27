"""The templates' sandbox: Jinja2 with bounded loops, output and time, reading only the case's files."""

from __future__ import annotations

import functools
import hashlib
import re
import time
import traceback
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError
from . import markdown
from .words import language_name, long_date

BUILTIN = "cover-letter.md.j2"


class MarkdownText(str):
    """Text that is already Markdown: printed by templates without escaping."""


def _finalize(value: object) -> object:
    if isinstance(value, MarkdownText) or value is None:
        return value if value is not None else ""
    return markdown.escape_markdown(value)


def _lines(values) -> MarkdownText:
    """Address-style lines: each printed as written, one per line."""
    if values is None:
        return MarkdownText("")
    if isinstance(values, str):
        values = [values]
    return MarkdownText("\\\n".join(markdown.escape_markdown(v) for v in values if v))


BODY = "cover_letter.body"  # the manifest's letter body is a template too, so it can cite pages


class LetterError(TemplateError):
    """A template failed: *origin* says which text ("template" or "body") and *line* where."""

    def __init__(self, message: str, origin: str, line: int | None):
        super().__init__(message)
        self.origin, self.line = origin, line


class _CiteError(jinja2.UndefinedError):
    """cite() of an id the case does not have."""


class _Loader(jinja2.BaseLoader):
    """The body, the user's template, files it includes from inside the case, and the built-ins.

    A name is looked up beside the user's template (or in the case folder), then among the
    built-in templates. Nothing outside *roots* is read, whatever the name says: an include of
    /etc/passwd or ../../proc/self/environ would print that file into a filing.
    """

    def __init__(self, user_path: Path | None, body: str, roots: list[Path] | None = None,
                 loaded: dict[Path, str] | None = None):
        self.user_path, self.body = user_path, body
        self.folder = user_path.parent if user_path is not None else (roots[0] if roots else None)
        self.roots = roots
        self.loaded = loaded if loaded is not None else {}

    def get_source(self, environment, template):
        if template == BODY:
            return self.body, BODY, lambda: True
        if self.user_path is not None and template == self.user_path.name:
            return self._read(self.user_path, template, "template"), str(self.user_path), lambda: True
        if self.folder is not None and self.roots is not None:
            path = _case_file(self.folder, template)
            if path is not None and path.exists():
                if not any(path.is_relative_to(r) for r in self.roots):
                    raise _OutsideError(template)
                source = self._read(path, template, "include")
                self.loaded[path] = hashlib.sha256(source.encode("utf-8")).hexdigest()
                return source, str(path), lambda: True
        if self.roots is not None and (template.startswith(("/", "\\")) or ".." in Path(template).parts):
            raise _OutsideError(template)  # does not exist either; still say why it cannot be used
        if template in _builtin_names():
            source = resources.files("parolekit.templates").joinpath(template).read_text(encoding="utf-8")
            return source, template, lambda: True
        raise jinja2.TemplateNotFound(template)

    def _read(self, path: Path, name: str, what: str) -> str:
        try:
            if not path.is_file():
                raise LetterError(f"cover_letter.template: '{name}' is not a regular file (a folder, "
                                  "device or pipe); name a saved text file", "template", None)
            if path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise LetterError(f"cover_letter.template: '{name}' is over "
                                  f"{MAX_TEMPLATE_BYTES // 1_000_000} MB, too large for a template; "
                                  "check it names the template file", "template", None)
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise LetterError(f"cover_letter.template: cannot read '{name}' ({e}); "
                              "check the path (relative to the manifest)", "template", None) from e


def _case_file(folder: Path, name: str) -> Path | None:
    """*name* resolved beside *folder* (symlinks followed), or None when it is no usable path."""
    try:
        return (folder / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _builtin_names() -> frozenset[str]:
    return frozenset(f.name for f in resources.files("parolekit.templates").iterdir()
                     if f.name.endswith(".j2"))


class _OutsideError(jinja2.TemplateNotFound):
    """An include or import that names a file outside the case folder."""

    def __init__(self, name: str):
        super().__init__(name, f"'{name}' is outside the case folder; templates may include only "
                               "files inside the case folder (or under --allow-path) and the built-in "
                               "templates; move the file into the case folder")


# A cover letter is a few pages: these bounds stop a template (by mistake or on purpose) from
# running for minutes or filling memory, in lint as in build.
MAX_TEMPLATE_BYTES = 1_000_000
MAX_OUTPUT_CHARS = 500_000
MAX_RENDER_SECONDS = 5.0


class _LimitError(jinja2.TemplateRuntimeError):
    """A template went over its output size or render time."""


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, plus bounds: no huge strings or lists from * and **, and a render deadline."""

    intercepted_binops = frozenset(["*", "**"])
    deadline = float("inf")

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            n, seq = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(n, int) and isinstance(seq, (str, list, tuple)) and n * len(seq) > MAX_OUTPUT_CHARS:
                raise _LimitError(f"'{operator}' would make {n:,} copies: over the "
                                  f"{MAX_OUTPUT_CHARS:,}-character limit for a cover letter")
        if operator == "**" and isinstance(right, int) and isinstance(left, int) and right > 64:
            raise _LimitError(f"'**' with an exponent of {right:,} is too large for a cover letter")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        __self.check_time()
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str) and any(isinstance(a, int) and a > MAX_OUTPUT_CHARS
                                          for a in (*args, *kwargs.values())):
            raise _LimitError(f"a width or count over {MAX_OUTPUT_CHARS:,} is too large for a cover letter")
        return super().call(__context, __obj, *args, **kwargs)

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitError(f"the template ran for over {MAX_RENDER_SECONDS:g} s; look for a loop "
                              "that never ends or runs over a very long list")


def _bounded_range(env: _BoundedEnvironment):
    def bounded(*args):
        for i, value in enumerate(jinja2.sandbox.safe_range(*args)):
            if i % 1024 == 0:
                env.check_time()
            yield value
    return bounded


def _bounded_filter(env: _BoundedEnvironment, func):
    @functools.wraps(func)  # keeps jinja's pass_context / pass_environment marks
    def bounded(*args, **kwargs):
        env.check_time()
        if any(isinstance(a, int) and not isinstance(a, bool) and a > MAX_OUTPUT_CHARS
               for a in (*args[1:], *kwargs.values())):
            raise _LimitError(f"a width or count over {MAX_OUTPUT_CHARS:,} is too large for a cover letter")
        return func(*args, **kwargs)
    return bounded


def _environment(template: Path | None, body: str, roots: list[Path] | None = None,
                 loaded: dict[Path, str] | None = None) -> _BoundedEnvironment:
    env = _BoundedEnvironment(loader=_Loader(template, body, roots, loaded),
                              undefined=jinja2.StrictUndefined, finalize=_finalize, autoescape=False,
                              keep_trailing_newline=True)
    env.filters["lines"] = _lines
    env.filters["long_date"] = lambda v: long_date(v)
    env.filters["language"] = lambda v: language_name(str(v))
    env.filters = {k: _bounded_filter(env, f) for k, f in env.filters.items()}
    env.globals["range"] = _bounded_range(env)
    env.globals.pop("lipsum", None)  # a text generator has no place in a filing
    return env


_ATTR = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED = re.compile(r"^'([^']+)' is undefined")


def _render(env: _BoundedEnvironment, name: str, ctx: dict, shown: str, origin: str) -> str:
    env.deadline = time.monotonic() + MAX_RENDER_SECONDS
    try:
        return _generate(env, env.get_template(name), ctx)
    except LetterError:
        raise
    except (jinja2.TemplateNotFound, _LimitError) as e:
        line = _template_line(e, name)
        what = e.message if isinstance(e, _OutsideError | _LimitError) else \
            f"no template '{e.name}' in the case folder or among the built-in templates; check the name " \
            "(relative to the template)"
        raise LetterError(f"{shown}, line {line}{_source_line(env, name, line)}: {what}", origin,
                          line if isinstance(line, int) else None) from e
    except jinja2.TemplateSyntaxError as e:
        where = f"{shown}, line {e.lineno}{_source_line(env, name, e.lineno)}"
        raise LetterError(f"{where}: {str(e.message).rstrip('.')}; fix the template syntax "
                          "({{ field }}, {% if ... %}...{% endif %}; to print {{ as text, write "
                          "{{ '{{' }})", origin, e.lineno) from e
    except _CiteError as e:
        line = _template_line(e, name)
        raise LetterError(f"{shown}, line {line}{_source_line(env, name, line)}: {e.message}", origin,
                          line if isinstance(line, int) else None) from e
    except (jinja2.UndefinedError, jinja2.exceptions.SecurityError) as e:
        line = _template_line(e, name)
        source = _source_line(env, name, line)
        msg = str(e.message)
        if (m := _UNDEFINED.match(msg)):
            what = f"unknown field '{m[1]}'"
        elif msg.startswith("'None' has no attribute") and (m := _ATTR.search(msg)):
            raise LetterError(f"{shown}, line {line}{source}: missing field '{m[1]}': what it belongs "
                              "to is empty in this case; wrap it in {% if ... %}...{% endif %}, or "
                              "fill it in the manifest", origin,
                              line if isinstance(line, int) else None) from e
        elif (m := _ATTR.search(msg)):
            what = f"missing field '{m[1]}' ({msg})"
        else:
            what = msg
        raise LetterError(f"{shown}, line {line}{source}: {what}; use a field the case has (they "
                          f"are listed at the top of the built-in {BUILTIN}) or add it to the "
                          "manifest", origin, line if isinstance(line, int) else None) from e
    except Exception as e:  # a template can call filters that fail on odd data
        line = _template_line(e, name)
        raise LetterError(f"{shown}, line {line}: {type(e).__name__}: {e}", origin,
                          line if isinstance(line, int) else None) from e


def _generate(env: _BoundedEnvironment, template: jinja2.Template, ctx: dict) -> str:
    """Render piece by piece, so that output size and time are checked as the text grows."""
    out: list[str] = []
    size = 0
    for chunk in template.generate(ctx):
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise _LimitError(f"the rendered text would be over {MAX_OUTPUT_CHARS:,} characters (some "
                              "150 pages); look for a loop that repeats without end, or shorten it")
        env.check_time()
        out.append(chunk)
    return "".join(out)


def _template_line(e: BaseException, name: str) -> int | str:
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename and (frame.filename == name or frame.filename.endswith(name)):
            return frame.lineno or "?"
    return "?"


def _source_line(env, name: str, line: int | str) -> str:
    if not isinstance(line, int):
        return ""
    try:
        lines = env.loader.get_source(env, name)[0].splitlines()
    except Exception:
        return ""
    if 0 < line <= len(lines):
        text = lines[line - 1].strip()
        return f" (`{text[:57] + '...' if len(text) > 60 else text}`)" if text else ""
    return ""
