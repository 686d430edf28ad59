"""The SQL engine's errors: a template that does not compile is a 422 at save time;
anything that goes wrong while rendering it for a call is a 400."""

from sluice.errors import BadRequest, Unprocessable


class TemplateSyntaxError(Unprocessable):
    """The template (or a macro it imports) does not compile. Raised once, at save or
    publish time; the message names the line."""

    def __init__(self, message: str, *, lineno: int | None = None, name: str | None = None):
        where = _where(lineno, name)
        super().__init__(f"{where}{message}" if where else message)
        self.lineno = lineno
        self.name = name


class TemplateRenderError(BadRequest):
    """Rendering failed for this call: a value a filter refused, an undefined name, a
    render budget exceeded."""


class TemplateSecurityError(TemplateRenderError):
    """The template reached for something the sandbox does not allow."""


class RenderBudgetError(TemplateRenderError):
    """The template tried to do more work or produce more output than its budget."""


def _where(lineno: int | None, name: str | None) -> str:
    place = "" if name in (None, "<template>") else f"macro {name!r}"
    if lineno is not None:
        place = f"{place} line {lineno}" if place else f"line {lineno}"
    return f"{place}: " if place else ""
