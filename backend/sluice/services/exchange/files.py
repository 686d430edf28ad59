"""Where definitions live: one YAML document, or a folder with a file per module.

A folder holds `sluice.yaml` (the format version and everything shared: data sources,
macros of no module, groups, clients) and `modules/<name>.yaml`, one module each, so a
team's change touches its module's file only. Export replaces the folder's files: a
module file whose module is not exported any more is removed.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sluice.services.exchange.problems import DefinitionsRefused, Problem
from sluice.services.exchange.problems import Path as DataPath
from sluice.services.exchange.schema import Definitions
from sluice.services.exchange.yaml_text import YamlProblem, dump_yaml, load_yaml

TOP_FILE = "sluice.yaml"
MODULES_FOLDER = "modules"


MODULE_HEADER = (
    "# A module of Sluice definitions: the folder's sluice.yaml holds what modules share.\n"
)


def to_data(definitions: Definitions) -> dict[str, Any]:
    """The document as plain data: keys in the models' order, defaults left out, and a
    param's whole-number bounds written as such (`min: 1`, not `min: 1.0`)."""
    data = definitions.model_dump(mode="json", exclude_defaults=True)
    for module in data.get("modules", []):
        for api in module.get("apis", []):
            live = api.get("published")
            for body in (api, live) if isinstance(live, dict) else (api,):
                for param in body.get("params", []):
                    for bound in ("min", "max"):
                        if isinstance(param.get(bound), float) and param[bound].is_integer():
                            param[bound] = int(param[bound])
    return data


def to_yaml(definitions: Definitions) -> str:
    return dump_yaml(to_data(definitions))


def write_folder(definitions: Definitions, folder: Path) -> list[Path]:
    """Write the folder layout; returns the files written."""
    data = to_data(definitions)
    modules = data.pop("modules", [])
    (folder / MODULES_FOLDER).mkdir(parents=True, exist_ok=True)
    top = folder / TOP_FILE
    top.write_text(dump_yaml(data), encoding="utf-8")
    written = [top]
    for module in modules:
        path = folder / MODULES_FOLDER / f"{module['name']}.yaml"
        path.write_text(dump_yaml(module, MODULE_HEADER), encoding="utf-8")
        written.append(path)
    for stale in set((folder / MODULES_FOLDER).glob("*.yaml")) - set(written):
        stale.unlink()
    return written


@dataclass
class Source:
    """A document read from text, a file or a folder, and where each value came from."""

    data: Any
    places: dict[DataPath, tuple[str, int]] = field(default_factory=dict)

    def place(self, path: DataPath) -> str | None:
        """`sluice.yaml line 12` for the value at `path`, or its nearest ancestor's."""
        for end in range(len(path), -1, -1):
            found = self.places.get(path[:end])
            if found is not None:
                return f"{found[0]} line {found[1]}"
        return None


def _loaded(text: str, name: str) -> Any:
    try:
        return load_yaml(text, name)
    except YamlProblem as exc:
        raise DefinitionsRefused([Problem(name, str(exc).removeprefix(f"{name} "))]) from None


def read_text(text: str, name: str = "the body") -> Source:
    loaded = _loaded(text, name)
    return Source(loaded.data, {path: (name, line) for path, line in loaded.lines.items()})


def read_bytes(body: bytes, name: str = "the body") -> Source:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DefinitionsRefused([Problem(name, f"not UTF-8 text (byte {exc.start})")]) from None
    return read_text(text.removeprefix("\ufeff"), name)


def read_path(path: Path) -> Source:
    """A YAML file, or a folder in the layout above."""
    if not path.is_dir():
        return read_text(_read(path), path.name)
    source = read_text(_read(path / TOP_FILE), TOP_FILE)
    if not isinstance(source.data, dict):
        return source
    modules = source.data.setdefault("modules", [])
    if not isinstance(modules, list):
        return source
    for file in sorted((path / MODULES_FOLDER).glob("*.yaml")):
        _add_module(source, modules, file)
    return source


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionsRefused([Problem(str(path), f"cannot be read: {exc}")]) from None


def _add_module(source: Source, modules: list[Any], file: Path) -> None:
    name = f"{MODULES_FOLDER}/{file.name}"
    loaded = _loaded(_read(file), name)
    if not isinstance(loaded.data, dict) or loaded.data.get("name") != file.stem:
        message = f"must hold one module, named {file.stem!r} like its file"
        raise DefinitionsRefused([Problem(name, message)])
    index = len(modules)
    modules.append(loaded.data)
    for inner, line in loaded.lines.items():
        source.places[("modules", index, *inner)] = (name, line)
