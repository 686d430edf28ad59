"""Definitions as code: the store exported as YAML, and YAML imported into the store.

- `schema`: the file's models, which are also its JSON Schema.
- `yaml_text`: YAML written for people (stable, literal blocks) and read safely.
- `files`: one document, or a folder with a file per module.
- `export`: the store as definitions, by name, secrets left out.
- `parse`, `plan`, `checks`: from a document to the state an import aims at, with every
  problem found before anything changes.
- `apply`, `steps`, `steps_apis`: the import itself, in one transaction, through the
  services: the order of the steps, what they share, and the steps for macros and APIs.
"""

from sluice.services.exchange.apply import import_definitions
from sluice.services.exchange.export import export_definitions
from sluice.services.exchange.files import read_bytes, read_path, to_yaml, write_folder
from sluice.services.exchange.problems import DefinitionsRefused
from sluice.services.exchange.schema import Definitions, ImportReport, json_schema
from sluice.services.exchange.steps import ImportOptions

__all__ = [
    "Definitions",
    "DefinitionsRefused",
    "ImportOptions",
    "ImportReport",
    "export_definitions",
    "import_definitions",
    "json_schema",
    "read_bytes",
    "read_path",
    "to_yaml",
    "write_folder",
]
