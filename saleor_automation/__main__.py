"""`saleor-automation <command>`: the Django management commands under one name.

`saleor-automation serve`, `worker`, `beat`, `migrate`, `sync-webhooks`, `backfill`, ...
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_automation.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "saleor-automation"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")  # `sync-webhooks` runs sync_webhooks.py
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
