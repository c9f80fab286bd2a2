"""`saleor-automation export-schema`: write the app's GraphQL SDL to graphql/schema.graphql
(the dashboard's TypeScript types are generated from it; a test keeps it in step)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "graphql" / "schema.graphql"


def schema_sdl() -> str:
    from ...api.schema import schema

    return schema.as_str() + "\n"


class Command(BaseCommand):
    help = "Write the app's GraphQL schema (SDL) to graphql/schema.graphql, or to --output."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default=str(SCHEMA_FILE), help="file to write ('-': stdout)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sdl = schema_sdl()
        if options["output"] == "-":
            self.stdout.write(sdl, ending="")
            return
        Path(options["output"]).write_text(sdl)
        self.stdout.write(f"wrote {options['output']}")
