"""``python -m klyngepakke`` runs the CLI."""

from klyngepakke.cli import main

raise SystemExit(main())
