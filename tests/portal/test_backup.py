"""docs/backup.sh: a backup taken, data lost, the restore brings database and media back."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "backup.sh"


def run(args, env, check=True):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "MEDIA_ROOT", "VAR_DIR"}
    }
    result = subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def manage(env, *args):
    return run([sys.executable, "manage.py", *args], env)


def usernames(env):
    code = (
        "from portal.models import User; "
        "print(sorted(User.objects.values_list('username', flat=True)))"
    )
    return manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1]


def lose_and_restore(env, media: Path, backups: Path):
    """Fill, back up, damage, restore; return what the portal holds afterwards."""
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "shell", "-c", "from portal.models import User; User.objects.create_user('kept')")
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "protokoll.pdf").write_bytes(b"%PDF-1.7 kept")

    backup = run(["bash", str(SCRIPT), "backup", str(backups)], env).stdout.strip().splitlines()[-1]
    assert Path(backup, "SHA256SUMS").is_file()

    manage(env, "shell", "-c", "from portal.models import User; User.objects.all().delete()")
    manage(env, "shell", "-c", "from portal.models import User; User.objects.create_user('later')")
    (media / "attachments" / "protokoll.pdf").unlink()
    (media / "later.pdf").write_bytes(b"%PDF-1.7 later")
    assert usernames(env) == "['later']"

    refused = run(["bash", str(SCRIPT), "restore", backup], env, check=False)
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert usernames(env) == "['later']"

    run(["bash", str(SCRIPT), "restore", backup, "--yes"], env)
    return usernames(env)


def assert_media_restored(media: Path):
    assert (media / "attachments" / "protokoll.pdf").read_bytes() == b"%PDF-1.7 kept"
    assert not (media / "later.pdf").exists()


def test_backup_and_restore_bring_back_sqlite_database_and_media(tmp_path):
    media = tmp_path / "media"
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(media),
        "VAR_DIR": str(tmp_path),
    }
    assert lose_and_restore(env, media, tmp_path / "backups") == "['kept']"
    assert_media_restored(media)


def test_restore_refuses_a_damaged_backup(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "VAR_DIR": str(tmp_path),
    }
    manage(env, "migrate", "--no-input", "-v", "0")
    backup = run(["bash", str(SCRIPT), "backup", str(tmp_path / "b")], env).stdout.split()[-1]
    Path(backup, "database.sqlite3").write_bytes(b"garbage")
    result = run(["bash", str(SCRIPT), "restore", backup, "--yes"], env, check=False)
    assert result.returncode != 0
    assert "damaged" in result.stderr


@pytest.fixture
def scratch_postgres():
    """A throw-away database beside the test database: test_<name>_backup."""
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"test_{settings.DATABASES['default']['NAME']}_backup"
    admin = urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(url._replace(path=f"/{name}"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_backup_and_restore_bring_back_postgresql_database_and_media(tmp_path, scratch_postgres):
    media = tmp_path / "media"
    env = {"DATABASE_URL": scratch_postgres, "MEDIA_ROOT": str(media), "VAR_DIR": str(tmp_path)}
    assert lose_and_restore(env, media, tmp_path / "backups") == "['kept']"
    assert_media_restored(media)
