"""`sluice export` and `sluice import` as a user runs them: real processes on a SQLite
store, a file, a folder, stdout and stdin."""

import subprocess
from pathlib import Path

from tests.test_cli import SLUICE, clean_env


def sluice(
    folder: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SLUICE, *args],
        cwd=folder,
        env=clean_env(folder, **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_export_to_stdout_a_file_and_a_folder_and_import_them_elsewhere(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    ok(sluice(first, "demo"))
    text = ok(sluice(first, "export", "-"))
    assert text.startswith("# Sluice definitions") and "format_version: 1" in text
    assert ok(sluice(first, "export", "sluice.yaml")) == "Wrote sluice.yaml\n"
    assert (first / "sluice.yaml").read_text() == text
    stale = first / "defs" / "modules" / "gone.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("name: gone\n")
    written = ok(sluice(first, "export", "defs/"))
    assert written == "Wrote defs/sluice.yaml, defs/modules/demo.yaml\n"
    assert not stale.exists()

    plan = ok(sluice(second, "import", "--dry-run", str(first / "defs")))
    assert plan.startswith(
        "Dry run: nothing was changed. The import would:\ncreate   datasource demo\n"
    )
    assert "client_secret" not in plan
    assert ok(sluice(second, "export", "-")) == ok(sluice(tmp_path, "export", "-"))  # empty

    done = ok(sluice(second, "import", str(first / "defs")))

    assert "created  api demo/List orders\n" in done and "0 unchanged\n" in done
    assert "New client demo: client_id cl_" in done and "client_secret cs_" in done
    assert ok(sluice(second, "export", "-")) == text
    again = ok(sluice(second, "import", "-", stdin=text))
    assert again.startswith("13 unchanged\n")


def test_a_broken_file_changes_nothing_and_says_where(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text(
        "format_version: 1\n"
        "modules:\n"
        "- name: shop\n"
        "  apis:\n"
        "  - name: Items\n"
        "    path: items\n"
        "    method: GET\n"
        "    access: public\n"
        "    datasource: nowhere\n"
        "    content: |\n"
        "      SELECT 1\n"
        "      {% if %}\n"
        "    published: true\n"
    )

    done = sluice(tmp_path, "import", str(file))

    assert done.returncode == 1
    assert done.stderr == (
        "error: The definitions were not imported; nothing changed:\n"
        "- api shop/Items (broken.yaml line 9): datasource: no data source 'nowhere'\n"
        "- api shop/Items (broken.yaml line 10): content: line 2: Expected an expression, got"
        " 'end of statement block'\n"
    )
    assert "0 unchanged" in ok(
        sluice(tmp_path, "import", "--dry-run", "-", stdin="format_version: 1\n")
    )


def test_the_command_reads_any_variable_but_sluices_own_settings(tmp_path: Path) -> None:
    text = "format_version: 1\nclients:\n- name: app\n  secret_env: APP_SECRET\n"

    done = ok(sluice(tmp_path, "import", "-", stdin=text, APP_SECRET="a" * 40))
    assert "New client app: client_id cl_" in done and "secret_env names" in done

    refused = sluice(tmp_path, "import", "-", stdin=text.replace("APP_SECRET", "SECRET_KEY"))
    assert refused.returncode == 1
    assert "SECRET_KEY is a Sluice setting, not a secret an import may read" in refused.stderr


GATED = """\
format_version: 1
datasources:
- name: lite
  type: sqlite
  options:
    path: lite.db
modules:
- name: shop
  require_passing_tests: true
  apis:
  - name: One
    path: one
    method: GET
    datasource: lite
    access: public
    content: SELECT 1 AS one
    tests:
    - name: two rows
      expect:
        rows: 2
    published: true
"""


def test_the_command_honours_a_modules_test_gate_or_forces_it(tmp_path: Path) -> None:
    (tmp_path / "data" / "datasources").mkdir(parents=True)
    (tmp_path / "data" / "datasources" / "lite.db").touch()

    refused = sluice(tmp_path, "import", "-", stdin=GATED)

    assert refused.returncode == 1
    assert (
        "- test 'two rows' of api shop/One (stdin line 18): fails, and module shop requires"
        " passing tests: rows: Expected 2 rows, got 1." in refused.stderr
    )
    done = ok(sluice(tmp_path, "import", "-", "--force", "known: one row", stdin=GATED))
    assert "created  api shop/One" in done
    exported = ok(sluice(tmp_path, "export", "-"))
    assert "require_passing_tests: true" in exported and "- name: two rows" in exported
