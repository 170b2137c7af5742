from pathlib import Path

import pytest

from comptoir.core.currencies.models import Rate
from comptoir.core.currencies.tasks import rates_import_drop_folder

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.django_db


def test_drop_folder_imports_and_sorts_files(settings, tmp_path):
    settings.COMPTOIR_RATES_DROP_DIR = tmp_path
    (tmp_path / "ecb.xml").write_bytes((DATA / "ecb-eurofxref.xml").read_bytes())
    (tmp_path / "bnr.xml").write_bytes((DATA / "bnr-nbrfxrates.xml").read_bytes())
    (tmp_path / "broken.xml").write_bytes(b"<DataSet")
    (tmp_path / "notes.txt").write_text("ignored")
    result = rates_import_drop_folder.enqueue()
    assert result.return_value == {"done": ["bnr.xml", "ecb.xml"], "failed": ["broken.xml"]}
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["bnr.xml", "ecb.xml"]
    assert (tmp_path / "failed" / "broken.xml").exists()
    assert "not well-formed" in (tmp_path / "failed" / "broken.xml.error.txt").read_text()
    assert (tmp_path / "notes.txt").exists()
    assert Rate.objects.filter(source="ecb").count() == 12
    assert Rate.objects.filter(source="bnr").count() == 7


def test_same_name_twice_keeps_both(settings, tmp_path):
    settings.COMPTOIR_RATES_DROP_DIR = tmp_path
    content = (DATA / "ecb-eurofxref.xml").read_bytes()
    (tmp_path / "ecb.xml").write_bytes(content)
    rates_import_drop_folder.enqueue()
    (tmp_path / "ecb.xml").write_bytes(content)
    rates_import_drop_folder.enqueue()
    assert len(list((tmp_path / "done").iterdir())) == 2


def test_missing_folder_is_fine(settings, tmp_path):
    settings.COMPTOIR_RATES_DROP_DIR = tmp_path / "nope"
    assert rates_import_drop_folder.enqueue().return_value == {"done": [], "failed": []}
