"""A large public dataset for the page benchmarks: demo content plus N approved actions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soliday_bench DEBUG=true \\
        .venv/bin/python bench/synthetic.py --actions 1000000

Creates the database if needed, migrates, loads the demo (roles, campaigns, articles)
once, then N approved actions with photos of campaign "bench-big" (and 1,000 of
"bench-small") in one INSERT … SELECT generate_series each, counted by
actions.stats.rebuild() (bench/actions.py's loader: the cities, hashtags, types and
publication times described in bench/README.md). A second run with the same N reuses
the data; --reload loads it again. bench/pages.py runs it first; bench/actions.py times
the views on the same data through the test client.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(Path(__file__).resolve().parent))  # bench/actions.py (after the apps)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soliday.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=20_000, help="approved actions")
    parser.add_argument("--baseline", type=int, default=1_000, help="actions of bench-small")
    parser.add_argument("--reload", action="store_true", help="load the data again")
    args = parser.parse_args()

    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_actions", ROOT / "bench" / "actions.py")
    loader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loader)
    loader.create_database()

    import django

    django.setup()
    from django.core.management import call_command

    from news.models import Article

    call_command("migrate", verbosity=0)
    if not Article.objects.exists():
        call_command("setup_roles", verbosity=0)
        call_command("load_demo", verbosity=0)
        print("loaded the demo")
    loader.prepare(args)


if __name__ == "__main__":
    main()
