"""The `saleor-automation` command line: its command list, generate-key and rotate-secrets."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.test import override_settings
from django.test.utils import isolate_apps

from saleor_automation.encryption import EncryptedTextField
from saleor_automation.management import processes
from saleor_automation.management.commands import rotate_secrets
from saleor_automation.management.commands.rotate_secrets import encrypted_fields
from saleor_automation.saleor.models import Installation

CLI = Path(sys.executable).with_name("saleor-automation")


def test_help_lists_the_commands() -> None:
    result = subprocess.run(
        [str(CLI), "--help"], capture_output=True, text=True, timeout=60, check=True
    )
    for command in (
        "devserver",
        "serve",
        "worker",
        "beat",
        "migrate",
        "generate_key",
        "rotate_secrets",
    ):
        assert command in result.stdout


def test_dashed_names_run_the_underscored_commands() -> None:
    result = subprocess.run(
        [str(CLI), "generate-key"], capture_output=True, text=True, timeout=60, check=True
    )
    Fernet(result.stdout.strip())


def test_generate_key_prints_a_new_fernet_key() -> None:
    keys = set()
    for _ in range(2):
        out = io.StringIO()
        call_command("generate_key", stdout=out)
        key = out.getvalue().strip()
        assert Fernet(key).decrypt(Fernet(key).encrypt(b"x")) == b"x"
        keys.add(key)
    assert len(keys) == 2


def stored(pk: int) -> str:
    """The column as the database holds it (ciphertext)."""
    return (
        Installation.objects.annotate(raw=Cast("token", models.TextField()))
        .values_list("raw", flat=True)
        .get(pk=pk)
    )


@pytest.mark.django_db
def test_rotate_secrets_reencrypts_with_the_first_key() -> None:
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(ENCRYPTION_KEYS=[key_a]):
        installs = [
            Installation.objects.create(
                saleor_api_url=f"https://shop{i}.example.com/graphql/",
                app_id=f"QXBwOj{i}",
                token=f"token-{i}",
            )
            for i in range(3)
        ]
        blank = Installation.objects.create(
            saleor_api_url="https://gone.example.com/graphql/", app_id="QXBwOjk=", token=""
        )
    before = {i.pk: stored(i.pk) for i in installs}
    assert Fernet(key_a).decrypt(before[installs[0].pk].encode()) == b"token-0"

    with override_settings(ENCRYPTION_KEYS=[key_b, key_a]):
        out = io.StringIO()
        call_command("rotate_secrets", stdout=out, stderr=io.StringIO())
    assert "Re-encrypted 3 secrets" in out.getvalue()

    for i, install in enumerate(installs):
        raw = stored(install.pk)
        assert raw != before[install.pk]
        assert Fernet(key_b).decrypt(raw.encode()) == f"token-{i}".encode()
        with pytest.raises(InvalidToken):
            Fernet(key_a).decrypt(raw.encode())
    assert stored(blank.pk) == ""
    with override_settings(ENCRYPTION_KEYS=[key_b]):
        assert sorted(Installation.objects.values_list("token", flat=True)) == [
            "",
            "token-0",
            "token-1",
            "token-2",
        ]


def test_rotate_secrets_finds_the_installation_token() -> None:
    columns = [(model, [f.name for f in fields]) for model, fields in encrypted_fields()]
    assert (Installation, ["token"]) in columns


def test_rotate_secrets_finds_encrypted_columns_on_any_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with isolate_apps("saleor_automation") as registry:

        class Vault(models.Model):  # noqa: DJ008
            secret = EncryptedTextField()
            plain = models.TextField()
            backup = EncryptedTextField(null=True)

            class Meta:
                app_label = "saleor_automation"

        class Plain(models.Model):  # noqa: DJ008
            note = models.TextField()

            class Meta:
                app_label = "saleor_automation"

        monkeypatch.setattr(rotate_secrets, "apps", registry)
        found = [(model, [f.name for f in fields]) for model, fields in encrypted_fields()]
    assert found == [(Vault, ["secret", "backup"])]


@pytest.mark.parametrize(
    ("broker", "expected"),
    [("filesystem://", ["--pool", "solo"]), ("redis://127.0.0.1:6379/0", [])],
)
def test_worker_defaults_depend_on_the_broker(broker: str, expected: list[str]) -> None:
    with override_settings(CELERY_BROKER_URL=broker):
        argv = processes.celery_worker_argv(["--concurrency", "4"])
        assert argv[1:6] == ["-m", "celery", "-A", "saleor_automation", "worker"]
        assert argv[-2:] == ["--concurrency", "4"]
        assert ("--pool" in argv) == bool(expected)
        # A pool the caller names wins over the default.
        assert "solo" not in processes.celery_worker_argv(["--pool=threads"])


def test_serve_passes_unknown_options_to_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    executed: list[list[str]] = []
    monkeypatch.setattr(processes.os, "execv", lambda path, argv: executed.append(argv))
    from saleor_automation.__main__ import main

    main(["saleor-automation", "serve", "--workers", "3", "--timeout", "45", "--skip-checks"])
    (argv,) = executed
    assert argv[1:4] == ["-m", "gunicorn", processes.WSGI_APP]
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--worker-class") + 1] == "sync"
    assert argv[-2:] == ["--timeout", "45"]
