"""`python -m parolekit` and the `parolekit` command."""

from .startup import hold


def main() -> None:
    hold()  # before the command's imports (typer, rich, reportlab, pikepdf): see startup.hold
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
