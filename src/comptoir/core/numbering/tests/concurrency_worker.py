"""Run by test_concurrency in a separate process: take numbers, print them as JSON.

Arguments: company id, how many numbers to keep. Every third number is taken in a
transaction that rolls back, so it must be given again to someone else.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    import django

    django.setup()
    from django.db import transaction

    from comptoir.core.companies.models import Company
    from comptoir.core.numbering.services import next_number

    company = Company.objects.get(pk=int(sys.argv[1]))
    wanted = int(sys.argv[2])
    kept: list[str] = []
    attempt = 0
    while len(kept) < wanted:
        attempt += 1
        try:
            with transaction.atomic():
                number = next_number(
                    company=company, code="invoice", fiscal_year=2026, pattern="{seq}"
                )
                if attempt % 3 == 0:
                    raise _Rollback
        except _Rollback:
            continue
        kept.append(number)
    print(json.dumps(kept))


class _Rollback(Exception):
    pass


if __name__ == "__main__":
    main()
